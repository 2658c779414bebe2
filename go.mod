module github.com/liveid/liveid

go 1.26

require (
	github.com/yalue/onnxruntime_go v1.27.0
	gocv.io/x/gocv v0.31.0
	google.golang.org/protobuf v1.36.11
)

require github.com/disintegration/imaging v1.6.2

require (
	github.com/esimov/pigo v1.4.6 // indirect
	golang.org/x/image v0.40.0
	golang.org/x/text v0.37.0 // indirect
)
