module github.com/sunshine-records/sunshine

go 1.26

toolchain go1.27.3

require github.com/rickar/cal/v2 v2.1.13 // indirect
