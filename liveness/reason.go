package liveness

// Reason is a stable code for why a session did not pass. The string values
// are part of the API: servers store and match them. They are namespaced
// LIVENESS_ like every package's codes, and mirror the tags vendors'
// 实人认证 / 人脸核身 services return.
type Reason string

// The reasons, in the order Result.Reasons lists them.
const (
	// MissingEvidence: a required input never arrived — no observations, a
	// nil one, no reflection frames, no passive model scores (闭环失败: fail
	// closed).
	MissingEvidence Reason = "LIVENESS_MISSING_EVIDENCE"
	// PoorQuality: too few usable frames, frames too far apart, timestamps
	// going backwards, a face too small, malformed landmarks or a NaN or
	// infinite number in an observation (质量差).
	PoorQuality Reason = "LIVENESS_POOR_QUALITY"
	// MultipleFaces: more than one face in view (多人脸).
	MultipleFaces Reason = "LIVENESS_MULTIPLE_FACES"
	// FaceLeftFrame: the face was lost, left the frame or the track was
	// replaced by another face mid-session (人脸离开).
	FaceLeftFrame Reason = "LIVENESS_FACE_LEFT_FRAME"
	// EyesClosedThroughout: the eyes were never seen open (闭眼).
	EyesClosedThroughout Reason = "LIVENESS_EYES_CLOSED_THROUGHOUT"
	// Timeout: an action's window or the session ran out (超时).
	Timeout Reason = "LIVENESS_TIMEOUT"
	// ActionNotCompleted: the stream ended with actions still owed (动作未完成).
	ActionNotCompleted Reason = "LIVENESS_ACTION_NOT_COMPLETED"
	// WrongOrder: another deliberate action than the prompted one was
	// performed — what replaying someone else's session looks like (动作顺序错误).
	WrongOrder Reason = "LIVENESS_WRONG_ORDER"
	// PlanarMotion: a nod or shake whose landmark motion fits one plane
	// seen in perspective, i.e. a photo tilted in front of the camera.
	PlanarMotion Reason = "LIVENESS_PLANAR_MOTION"
	// DistanceCheckFailed: the face changed size without the perspective
	// change a real head shows, or did not change enough (远近检测失败).
	DistanceCheckFailed Reason = "LIVENESS_DISTANCE_CHECK_FAILED"
	// ReflectionFailed: the face did not reflect the screen's colour sequence
	// in time, or reflected it evenly like a flat surface (炫彩检测失败).
	ReflectionFailed Reason = "LIVENESS_REFLECTION_FAILED"
	// Recaptured: the passive liveness model says the face is a recapture of
	// a screen or print (翻拍).
	Recaptured Reason = "LIVENESS_RECAPTURED"
	// SynthesisSuspected: the anti-spoofing model says the face is
	// generated or edited (疑似合成).
	SynthesisSuspected Reason = "LIVENESS_SYNTHESIS_SUSPECTED"
	// FrameRepeated: the stream repeats frames — two at one capture time,
	// or more than one frame whose landmarks and region colours are bit for
	// bit an earlier frame's: a frozen, looped or padded injected stream
	// (疑似注入).
	FrameRepeated Reason = "LIVENESS_FRAME_REPEATED"
)

// AllReasons lists every reason in the order Result.Reasons gives them.
var AllReasons = []Reason{MissingEvidence, PoorQuality, MultipleFaces, FaceLeftFrame, EyesClosedThroughout,
	Timeout, ActionNotCompleted, WrongOrder, PlanarMotion, DistanceCheckFailed, ReflectionFailed, Recaptured,
	SynthesisSuspected, FrameRepeated}
