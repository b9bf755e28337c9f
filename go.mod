module github.com/sunshine-records/sunshine

go 1.26

toolchain go1.27.3

require (
	github.com/rickar/cal/v2 v2.1.13
	github.com/stretchr/testify v1.12.1
)

require go.yaml.in/yaml/v3 v3.0.5 // indirect
