module github.com/seamtel/seam/examples

go 1.26.0

require github.com/seamtel/seam/sdk-go v0.0.0

replace github.com/seamtel/seam/sdk-go => ../sdk-go
