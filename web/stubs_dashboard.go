package web

import "github.com/gin-gonic/gin"

// Placeholders until the dashboard pages land; delete this file then.

func (s *Server) handleDashboard(c *gin.Context)    { c.String(200, "dashboard") }
func (s *Server) handleAgencies(c *gin.Context)     { c.String(200, "agencies") }
func (s *Server) handleAgencyCreate(c *gin.Context) { c.String(200, "") }
func (s *Server) handleSearch(c *gin.Context)       { c.String(200, "search") }
func (s *Server) handleExportCSV(c *gin.Context)    { c.String(200, "") }
