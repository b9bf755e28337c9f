package web

import "github.com/gin-gonic/gin"

// Pages under construction in this change; each moves to its own file.

func (s *Server) handleDashboard(c *gin.Context)           { c.String(200, "dashboard") }
func (s *Server) handleAgencies(c *gin.Context)            { c.String(200, "agencies") }
func (s *Server) handleAgencyCreate(c *gin.Context)        { c.String(200, "") }
func (s *Server) handleSearch(c *gin.Context)              { c.String(200, "search") }
func (s *Server) handleExportCSV(c *gin.Context)           { c.String(200, "") }
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
func (s *Server) handleSettings(c *gin.Context)            { c.String(200, "") }
func (s *Server) handlePreferences(c *gin.Context)         { c.String(200, "") }
func (s *Server) handleCalendar(c *gin.Context)            { c.String(200, "") }
func (s *Server) handleTokenCreate(c *gin.Context)         { c.String(200, "") }
func (s *Server) handleTokenRevoke(c *gin.Context)         { c.String(200, "") }
func (s *Server) handleUserInvite(c *gin.Context)          { c.String(200, "") }
func (s *Server) handlePolicy(c *gin.Context)              { c.String(200, "") }
