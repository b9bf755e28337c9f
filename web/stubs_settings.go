package web

import "github.com/gin-gonic/gin"

// Placeholders until the settings pages land; delete this file then.

func (s *Server) handleSettings(c *gin.Context)    { c.String(200, "") }
func (s *Server) handlePreferences(c *gin.Context) { c.String(200, "") }
func (s *Server) handleCalendar(c *gin.Context)    { c.String(200, "") }
func (s *Server) handleTokenCreate(c *gin.Context) { c.String(200, "") }
func (s *Server) handleTokenRevoke(c *gin.Context) { c.String(200, "") }
func (s *Server) handleUserInvite(c *gin.Context)  { c.String(200, "") }
func (s *Server) handlePolicy(c *gin.Context)      { c.String(200, "") }
