package api

// RecordTimeout lets the package's external tests shorten recordTimeout.
var RecordTimeout = &recordTimeout
