module github.com/liveid/liveid

go 1.26.0

require (
	github.com/yalue/onnxruntime_go v1.25.0
	gocv.io/x/gocv v0.31.0
	google.golang.org/protobuf v1.36.11
)

require github.com/disintegration/imaging v1.6.2

require (
	golang.org/x/mobile v0.0.0-20261011034528-197770444867 // indirect
	golang.org/x/mod v0.42.0 // indirect
	golang.org/x/sync v0.24.0 // indirect
	golang.org/x/sys v0.49.0 // indirect
	golang.org/x/tools v0.52.0 // indirect
)

require (
	github.com/esimov/pigo v1.4.6
	golang.org/x/image v0.47.0
	golang.org/x/text v0.43.0 // indirect
)

tool (
	golang.org/x/mobile/cmd/gobind
	golang.org/x/mobile/cmd/gomobile
)
