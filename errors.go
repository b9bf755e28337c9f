// Package sunshine holds Sunshine's domain: organizations, users, agencies,
// requests and their lifecycle, events, error codes and the clock. It imports
// only the deadline package.
package sunshine

import (
	"errors"
	"fmt"
)

// Code classifies an error for the API: it picks the HTTP status.
type Code string

// Error codes.
const (
	EConflict      Code = "conflict"               // 409: a unique value is taken, or the state forbids it
	EForbidden     Code = "forbidden"              // 403: authenticated but not allowed
	EInternal      Code = "internal"               // 500: never shown in detail
	EInvalid       Code = "invalid"                // 400: malformed or invalid input
	ENotFound      Code = "not_found"              // 404: unknown, or another organization's
	EUnauthorized  Code = "unauthorized"           // 401: no or bad credentials
	EUnprocessable Code = "unprocessable"          // 422: well-formed but the law or the data refuses it
	EUnavailable   Code = "unavailable"            // 503: a dependency (the database) is down
	ETooLarge      Code = "too_large"              // 413: the body exceeds the limit
	EUnsupported   Code = "unsupported_media_type" // 415: the body is not JSON
	EPrecondition  Code = "precondition_failed"    // 412: If-Match does not match
	ETooMany       Code = "too_many_requests"      // 429: a limit per hour is reached
)

// FieldError names one invalid input field.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error is an error meant for the API client: Code picks the HTTP status,
// Message is shown verbatim, Fields name the invalid inputs.
type Error struct {
	Code    Code
	Message string
	Fields  []FieldError
	// Allowed lists the permitted targets of a refused status transition.
	Allowed []Status
	// ExistingID names, on a conflict over a unique value, the resource of
	// the caller's organization that holds it (the request with an
	// external ID), so a client can go on with that one.
	ExistingID string
}

func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

// Errorf returns an *Error with a formatted message.
func Errorf(code Code, format string, args ...any) error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid returns an EInvalid error naming the fields.
func Invalid(fields ...FieldError) error {
	msg := "invalid input"
	if len(fields) == 1 {
		msg = fields[0].Field + ": " + fields[0].Message
	}
	return &Error{Code: EInvalid, Message: msg, Fields: fields}
}

// FieldInvalid is Invalid for one field.
func FieldInvalid(field, format string, args ...any) error {
	return Invalid(FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// ErrorCode returns the Code of err, or EInternal for any error that is not
// an *Error.
func ErrorCode(err error) Code {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	default:
		return EInternal
	}
}

// ErrorMessage returns the user-facing message of err, or "internal error".
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}

// JoinInvalid joins the EInvalid errors among errs into one, naming each
// field once (its first message), so that checks made one after another
// report every mistake together rather than the first. An error of any
// other code is returned as it is, before the field errors: it is not the
// user's input to fix. nil when every err is nil.
func JoinInvalid(errs ...error) error {
	var fs []FieldError
	seen := map[string]bool{}
	for _, err := range errs {
		if err == nil {
			continue
		}
		var e *Error
		if !errors.As(err, &e) || e.Code != EInvalid {
			return err
		}
		if len(e.Fields) == 0 {
			return err // a form-wide message: no field to name it by
		}
		for _, f := range e.Fields {
			if !seen[f.Field] {
				seen[f.Field] = true
				fs = append(fs, f)
			}
		}
	}
	if len(fs) == 0 {
		return nil
	}
	return Invalid(fs...)
}
