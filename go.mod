module github.com/liveid/liveid

go 1.26

require (
	github.com/disintegration/imaging v1.6.2
	github.com/esimov/pigo v1.4.6
	github.com/yalue/onnxruntime_go v1.27.0
	gocv.io/x/gocv v0.31.0
	golang.org/x/image v0.40.0
	google.golang.org/protobuf v1.36.11
)

require golang.org/x/text v0.37.0 // indirect
