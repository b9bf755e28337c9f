package web

import "github.com/gin-gonic/gin"

// Placeholders until the request pages land; delete this file then.

func (s *Server) handleNewRequestPage(c *gin.Context)      { c.String(200, "") }
func (s *Server) handleRequestCreate(c *gin.Context)       { c.String(200, "") }
func (s *Server) handleRequestPage(c *gin.Context)         { c.String(200, "") }
func (s *Server) handleCommunicationCreate(c *gin.Context) { c.String(200, "") }
func (s *Server) handleDocumentUpload(c *gin.Context)      { c.String(200, "") }
func (s *Server) handleExtension(c *gin.Context)           { c.String(200, "") }
func (s *Server) handleStatus(c *gin.Context)              { c.String(200, "") }
func (s *Server) handleAssign(c *gin.Context)              { c.String(200, "") }
func (s *Server) handleWatch(c *gin.Context)               { c.String(200, "") }
func (s *Server) handleCustomDue(c *gin.Context)           { c.String(200, "") }
func (s *Server) handleDownload(c *gin.Context)            { c.String(200, "") }
