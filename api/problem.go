package api

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	sunshine "github.com/sunshine-records/sunshine"
)

// problem is an RFC 9457 problem details body.
type problem struct {
	Type      string                `json:"type"`
	Title     string                `json:"title"`
	Status    int                   `json:"status"`
	Detail    string                `json:"detail"`
	Errors    []sunshine.FieldError `json:"errors,omitempty"`
	Allowed   []sunshine.Status     `json:"allowed,omitempty"`
	RequestID string                `json:"request_id,omitempty"`
	// ExistingID is the resource that holds the unique value a conflict
	// is about (Error.ExistingID).
	ExistingID string `json:"existing_id,omitempty"`
}

// problemType documents each code in docs/api.md.
const problemType = "https://github.com/sunshine-records/sunshine/blob/main/docs/api.md#"

var statusFor = map[sunshine.Code]int{
	sunshine.EInvalid:       http.StatusBadRequest,
	sunshine.EUnauthorized:  http.StatusUnauthorized,
	sunshine.EForbidden:     http.StatusForbidden,
	sunshine.ENotFound:      http.StatusNotFound,
	sunshine.EConflict:      http.StatusConflict,
	sunshine.EPrecondition:  http.StatusPreconditionFailed,
	sunshine.ETooLarge:      http.StatusRequestEntityTooLarge,
	sunshine.EUnsupported:   http.StatusUnsupportedMediaType,
	sunshine.EUnprocessable: http.StatusUnprocessableEntity,
	sunshine.EUnavailable:   http.StatusServiceUnavailable,
	sunshine.EInternal:      http.StatusInternalServerError,
	sunshine.ETooMany:       http.StatusTooManyRequests,
}

var titleFor = map[sunshine.Code]string{
	sunshine.EInvalid:       "Invalid input",
	sunshine.EUnauthorized:  "Unauthorized",
	sunshine.EForbidden:     "Forbidden",
	sunshine.ENotFound:      "Not found",
	sunshine.EConflict:      "Conflict",
	sunshine.EPrecondition:  "Precondition failed",
	sunshine.ETooLarge:      "Request too large",
	sunshine.EUnsupported:   "Unsupported media type",
	sunshine.EUnprocessable: "Cannot be processed",
	sunshine.EUnavailable:   "Service unavailable",
	sunshine.EInternal:      "Internal error",
	sunshine.ETooMany:       "Too many requests",
	"method_not_allowed":    "Method not allowed",
}

// fail writes err as problem+json and aborts. Internal errors are recorded
// for the access log with the request ID; the client sees "internal error".
func fail(c *gin.Context, err error) {
	code := sunshine.ErrorCode(err)
	status, ok := statusFor[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	p := problem{Type: problemType + string(code), Title: titleFor[code], Status: status,
		Detail: sunshine.ErrorMessage(err), RequestID: c.GetString(requestIDKey)}
	var e *sunshine.Error
	if errors.As(err, &e) {
		p.Errors, p.Allowed, p.ExistingID = e.Fields, e.Allowed, e.ExistingID
	}
	if code == sunshine.EInternal {
		_ = c.Error(err)
	}
	if code == sunshine.EUnauthorized {
		c.Header("WWW-Authenticate", `Bearer realm="sunshine"`)
	}
	if code == sunshine.EUnavailable {
		c.Header("Retry-After", "5")
		if _, bare := err.(*sunshine.Error); !bare {
			_ = c.Error(err) // it carries a cause (a full disk): the operator's to see
		}
	}
	writeProblem(c, p)
}

func writeProblem(c *gin.Context, p problem) {
	c.Header("Content-Type", "application/problem+json")
	c.Header("Cache-Control", "no-store")
	c.AbortWithStatusJSON(p.Status, p)
}

// created answers 201 with body and the new resource's address in
// Location (RFC 9110 15.3.2), so a client need not build it.
func created(c *gin.Context, location string, body any) {
	c.Header("Location", location)
	c.JSON(http.StatusCreated, body)
}

// accepted answers 202 with body and the resource's address in Location:
// the work it stands for is not done yet (RFC 9110 15.3.3), and GET there
// tells how it went.
func accepted(c *gin.Context, location string, body any) {
	c.Header("Location", location)
	c.JSON(http.StatusAccepted, body)
}
