package web

import sunshine "github.com/sunshine-records/sunshine"

// FormProblemText is a form error summary's line for a field's error.
func FormProblemText(label, message string) string {
	return formProblem{Label: label, Message: message}.Text()
}

// SetCSVPage sets how many requests srv's CSV export reads at a time.
func SetCSVPage(srv *Server, n int) { srv.csvPage = n }

// FileSize is the pages' file size in words.
var FileSize = sunshine.FileSize

// FileKind is the pages' name of a document's kind of file.
var FileKind = fileKind
