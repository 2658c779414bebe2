package engine

import (
	"sort"
	"strings"
)

// The engine's own prompt codes: what the session asks the user to do, and
// how it ends. The FACE_ codes (face quality) and LIVENESS_ codes (why a
// session did not pass) belong to the face and liveness packages; the
// message table only uses them as keys.
const (
	// PromptCenterFace: before the session starts, place the face in the
	// camera circle.
	PromptCenterFace = "PROMPT_CENTER_FACE"
	// PromptHoldStill: the baseline phase; hold still and look at the screen.
	PromptHoldStill = "PROMPT_HOLD_STILL"
	// PromptFlash: the reflection phase; keep still while the screen flashes
	// its colour sequence.
	PromptFlash = "PROMPT_FLASH"
	// PromptTooBrightForFlash: the surroundings are too bright for the
	// screen's light to show on the face; move out of direct sunlight.
	PromptTooBrightForFlash = "PROMPT_TOO_BRIGHT_FOR_FLASH"
	// PromptBlink: the blink action.
	PromptBlink = "PROMPT_BLINK"
	// PromptOpenMouth: the open-mouth action.
	PromptOpenMouth = "PROMPT_OPEN_MOUTH"
	// PromptNod: the nod action.
	PromptNod = "PROMPT_NOD"
	// PromptShake: the head-shake action (turn left and right).
	PromptShake = "PROMPT_SHAKE"
	// PromptNearFar: the near-far action; bring the phone closer, then back.
	PromptNearFar = "PROMPT_NEAR_FAR"
	// PromptProcessing: capture is over and the result is being computed.
	PromptProcessing = "PROMPT_PROCESSING"
	// PromptDone: the session finished.
	PromptDone = "PROMPT_DONE"
	// PromptFailed: the session did not pass; also the text of a LIVENESS_
	// code this version does not know.
	PromptFailed = "PROMPT_FAILED"
	// PromptCancelled: the user or the app cancelled the session.
	PromptCancelled = "PROMPT_CANCELLED"
	// PromptTimeout: the session ran out of time.
	PromptTimeout = "PROMPT_TIMEOUT"
)

// The languages of the message table, the seven the vendors' SDKs offer
// (ZH_CN, ZH_HK, EN, JA, KO, TH, ID), in Languages order.
const (
	langZhCN = iota // Simplified Chinese
	langZhHK        // Traditional Chinese as written in Hong Kong; also serves Taiwan and Macau
	langEn
	langJa
	langKo
	langTh
	langID // Indonesian
	langCount
)

var langTags = [langCount]string{"zh-CN", "zh-HK", "en", "ja", "ko", "th", "id"}

// messageTexts is one code's text in every language, indexed by lang*.
type messageTexts [langCount]string

// notLiveTexts is the one wording of every reason that points at an attack:
// telling the user which check failed would tell an attacker what to fix.
var notLiveTexts = messageTexts{
	langZhCN: "疑似非真人，请本人重试",
	langZhHK: "疑似非真人，請本人重試",
	langEn:   "Can't verify a live person — try again",
	langJa:   "ご本人で再度お試しください",
	langKo:   "본인이 직접 재시도해 주세요",
	langTh:   "ไม่สามารถยืนยันว่าเป็นบุคคลจริง กรุณาลองใหม่",
	langID:   "Verifikasi wajah asli gagal, coba lagi",
}

// messageTable holds what the screen shows under the camera circle for
// each code. Texts are short imperatives without a closing full stop; the
// length budget (16 characters in Chinese, Japanese and Korean, 40 in the
// others) is checked by the tests.
var messageTable = map[string]messageTexts{
	// Face quality prompts (face package).
	"FACE_NO_FACE": {
		langZhCN: "未检测到人脸，请将脸移入框内",
		langZhHK: "未偵測到人臉，請將臉移入框內",
		langEn:   "Put your face inside the frame",
		langJa:   "顔を枠内に入れてください",
		langKo:   "얼굴을 화면에 비춰 주세요",
		langTh:   "ไม่พบใบหน้า กรุณาให้ใบหน้าอยู่ในกรอบ",
		langID:   "Posisikan wajah Anda di dalam bingkai",
	},
	"FACE_MULTIPLE_FACES": {
		langZhCN: "检测到多张人脸，请仅本人入镜",
		langZhHK: "偵測到多張人臉，請僅本人入鏡",
		langEn:   "Make sure only you are in the frame",
		langJa:   "ご本人のみ映るようにしてください",
		langKo:   "본인 얼굴만 비춰 주세요",
		langTh:   "กรุณาให้มีเพียงคุณคนเดียวในกรอบ",
		langID:   "Pastikan hanya Anda yang ada di bingkai",
	},
	"FACE_PARTLY_OUT_OF_FRAME": {
		langZhCN: "脸部不完整，请将整张脸移入框内",
		langZhHK: "臉部不完整，請將整張臉移入框內",
		langEn:   "Keep your whole face inside the frame",
		langJa:   "顔全体を枠内に入れてください",
		langKo:   "얼굴 전체가 보이게 해 주세요",
		langTh:   "กรุณาให้ใบหน้าทั้งหมดอยู่ในกรอบ",
		langID:   "Pastikan seluruh wajah di dalam bingkai",
	},
	"FACE_TOO_CLOSE": {
		langZhCN: "距离太近，请离远一点",
		langZhHK: "距離太近，請離遠一點",
		langEn:   "Too close — move back a little",
		langJa:   "近すぎます。少し離れてください",
		langKo:   "조금 더 멀리 떨어져 주세요",
		langTh:   "ใกล้เกินไป กรุณาถอยออกเล็กน้อย",
		langID:   "Terlalu dekat, mundur sedikit",
	},
	"FACE_TOO_FAR": {
		langZhCN: "距离太远，请靠近一点",
		langZhHK: "距離太遠，請靠近一點",
		langEn:   "Too far — move a little closer",
		langJa:   "遠すぎます。少し近づいてください",
		langKo:   "조금 더 가까이 와 주세요",
		langTh:   "ไกลเกินไป กรุณาขยับเข้ามาใกล้อีกนิด",
		langID:   "Terlalu jauh, mendekatlah sedikit",
	},
	"FACE_TOO_DARK": {
		langZhCN: "光线太暗，请到明亮处",
		langZhHK: "光線太暗，請到明亮處",
		langEn:   "Too dark — find more light",
		langJa:   "明るい場所に移動してください",
		langKo:   "밝은 곳으로 이동해 주세요",
		langTh:   "มืดเกินไป กรุณาไปยังที่ที่สว่างกว่านี้",
		langID:   "Terlalu gelap, cari tempat lebih terang",
	},
	"FACE_TOO_BRIGHT": {
		langZhCN: "光线太亮，请避开强光",
		langZhHK: "光線太亮，請避開強光",
		langEn:   "Too bright — avoid direct light",
		langJa:   "強い光を避けてください",
		langKo:   "강한 빛을 피해 주세요",
		langTh:   "สว่างเกินไป กรุณาหลีกเลี่ยงแสงจ้า",
		langID:   "Terlalu terang, hindari cahaya langsung",
	},
	"FACE_BACKLIT": {
		langZhCN: "背后光线太强，请面向光源",
		langZhHK: "背後光線太強，請面向光源",
		langEn:   "Light behind you — face the light",
		langJa:   "逆光です。光の方を向いてください",
		langKo:   "역광이에요. 빛을 마주하세요",
		langTh:   "ย้อนแสง กรุณาหันหน้าเข้าหาแสง",
		langID:   "Jangan membelakangi sumber cahaya",
	},
	"FACE_BLURRED": {
		langZhCN: "画面模糊，请拿稳手机",
		langZhHK: "畫面模糊，請拿穩手機",
		langEn:   "Blurry — hold the phone steady",
		langJa:   "端末をしっかり持ってください",
		langKo:   "휴대폰을 고정해 주세요",
		langTh:   "ภาพไม่ชัด กรุณาถือโทรศัพท์ให้นิ่ง",
		langID:   "Gambar buram, tahan ponsel agar stabil",
	},
	"FACE_POSE_TOO_LARGE": {
		langZhCN: "请正脸面对屏幕",
		langZhHK: "請正臉面對屏幕",
		langEn:   "Face the screen straight on",
		langJa:   "正面を向いてください",
		langKo:   "정면을 바라봐 주세요",
		langTh:   "กรุณาหันหน้าตรงเข้าหาหน้าจอ",
		langID:   "Hadapkan wajah lurus ke layar",
	},
	"FACE_OCCLUDED": {
		langZhCN: "请勿遮挡面部",
		langZhHK: "請勿遮擋面部",
		langEn:   "Don't cover your face",
		langJa:   "顔を隠さないでください",
		langKo:   "얼굴을 가리지 말아 주세요",
		langTh:   "กรุณาอย่าบังใบหน้า",
		langID:   "Jangan menutupi wajah Anda",
	},
	"FACE_EYES_CLOSED": {
		langZhCN: "请睁开眼睛",
		langZhHK: "請睜開眼睛",
		langEn:   "Please open your eyes",
		langJa:   "目を開けてください",
		langKo:   "눈을 떠 주세요",
		langTh:   "กรุณาลืมตา",
		langID:   "Mohon buka mata Anda",
	},
	"FACE_MOVING_TOO_MUCH": {
		langZhCN: "请勿晃动，保持姿势",
		langZhHK: "請勿晃動，保持姿勢",
		langEn:   "Moving too much — hold still",
		langJa:   "顔を動かさないでください",
		langKo:   "움직이지 말아 주세요",
		langTh:   "ขยับมากเกินไป กรุณาอยู่นิ่ง ๆ",
		langID:   "Jangan bergerak, tahan posisi Anda",
	},

	// Session prompts (this package).
	PromptCenterFace: {
		langZhCN: "请将脸部移入圆框内",
		langZhHK: "請將臉部移入圓框內",
		langEn:   "Place your face in the circle",
		langJa:   "顔を円の中に合わせてください",
		langKo:   "얼굴을 원 안에 맞춰 주세요",
		langTh:   "กรุณาวางใบหน้าให้อยู่ในวงกลม",
		langID:   "Posisikan wajah Anda di dalam lingkaran",
	},
	PromptHoldStill: {
		langZhCN: "请保持不动，注视屏幕",
		langZhHK: "請保持不動，注視屏幕",
		langEn:   "Hold still and look at the screen",
		langJa:   "動かずに画面を見てください",
		langKo:   "가만히 화면을 봐 주세요",
		langTh:   "กรุณาอยู่นิ่ง ๆ และมองที่หน้าจอ",
		langID:   "Tetap diam dan lihat ke layar",
	},
	PromptFlash: {
		langZhCN: "屏幕变色时，请保持不动",
		langZhHK: "屏幕變色時，請保持不動",
		langEn:   "Hold still while the screen flashes",
		langJa:   "画面が光る間は動かないでください",
		langKo:   "깜빡이는 동안 움직이지 마세요",
		langTh:   "กรุณาอยู่นิ่ง ๆ ขณะหน้าจอเปลี่ยนสี",
		langID:   "Tetap diam saat layar berganti warna",
	},
	PromptTooBrightForFlash: {
		langZhCN: "环境太亮，请避开阳光直射",
		langZhHK: "環境太亮，請避開陽光直射",
		langEn:   "Too bright here — avoid direct sunlight",
		langJa:   "直射日光を避けてください",
		langKo:   "직사광선을 피해 주세요",
		langTh:   "สว่างเกินไป กรุณาหลบแสงแดดโดยตรง",
		langID:   "Terlalu terang, hindari sinar matahari",
	},
	PromptBlink: {
		langZhCN: "请眨眨眼",
		langZhHK: "請眨眨眼",
		langEn:   "Please blink",
		langJa:   "まばたきしてください",
		langKo:   "눈을 깜빡여 주세요",
		langTh:   "กรุณากะพริบตา",
		langID:   "Kedipkan mata Anda",
	},
	PromptOpenMouth: {
		langZhCN: "请张张嘴",
		langZhHK: "請張張嘴",
		langEn:   "Open your mouth",
		langJa:   "口を開けてください",
		langKo:   "입을 벌려 주세요",
		langTh:   "กรุณาอ้าปาก",
		langID:   "Buka mulut Anda",
	},
	PromptNod: {
		langZhCN: "请点点头",
		langZhHK: "請點點頭",
		langEn:   "Nod your head",
		langJa:   "うなずいてください",
		langKo:   "고개를 끄덕여 주세요",
		langTh:   "กรุณาพยักหน้า",
		langID:   "Anggukkan kepala Anda",
	},
	PromptShake: {
		langZhCN: "请左右摇头",
		langZhHK: "請左右搖頭",
		langEn:   "Turn your head left and right",
		langJa:   "首を左右に振ってください",
		langKo:   "고개를 좌우로 돌려 주세요",
		langTh:   "กรุณาหันหน้าไปทางซ้ายและขวา",
		langID:   "Tolehkan kepala ke kiri dan kanan",
	},
	PromptNearFar: {
		langZhCN: "请将手机靠近，再慢慢拉远",
		langZhHK: "請將手機靠近，再慢慢拉遠",
		langEn:   "Bring the phone closer, then back",
		langJa:   "端末を近づけてから離してください",
		langKo:   "휴대폰을 당겼다 멀리해 주세요",
		langTh:   "กรุณาขยับโทรศัพท์เข้าใกล้ แล้วถอยออก",
		langID:   "Dekatkan ponsel, lalu jauhkan lagi",
	},
	PromptProcessing: {
		langZhCN: "正在验证，请稍候",
		langZhHK: "正在驗證，請稍候",
		langEn:   "Verifying…",
		langJa:   "認証中です。お待ちください",
		langKo:   "인증 중이에요",
		langTh:   "กำลังยืนยันตัวตน…",
		langID:   "Sedang memverifikasi…",
	},
	PromptDone: {
		langZhCN: "验证完成",
		langZhHK: "驗證完成",
		langEn:   "Done",
		langJa:   "完了しました",
		langKo:   "완료되었어요",
		langTh:   "เสร็จสิ้น",
		langID:   "Selesai",
	},
	PromptFailed: {
		langZhCN: "验证失败，请重试",
		langZhHK: "驗證失敗，請重試",
		langEn:   "Verification failed — please try again",
		langJa:   "認証失敗。もう一度お試しください",
		langKo:   "인증 실패. 재시도해 주세요",
		langTh:   "ยืนยันตัวตนไม่สำเร็จ กรุณาลองใหม่",
		langID:   "Verifikasi gagal, silakan coba lagi",
	},
	PromptCancelled: {
		langZhCN: "已取消",
		langZhHK: "已取消",
		langEn:   "Cancelled",
		langJa:   "キャンセルしました",
		langKo:   "취소되었어요",
		langTh:   "ยกเลิกแล้ว",
		langID:   "Dibatalkan",
	},
	PromptTimeout: {
		langZhCN: "操作超时，请重试",
		langZhHK: "操作逾時，請重試",
		langEn:   "Timed out — please try again",
		langJa:   "時間切れ。もう一度お試しください",
		langKo:   "시간 초과. 재시도해 주세요",
		langTh:   "หมดเวลา กรุณาลองใหม่อีกครั้ง",
		langID:   "Waktu habis, silakan coba lagi",
	},

	// Liveness failure reasons (liveness package), shown on the result
	// screen. The reasons that point at an attack share notLiveTexts.
	"LIVENESS_MISSING_EVIDENCE": {
		langZhCN: "验证未完成，请重试",
		langZhHK: "驗證未完成，請重試",
		langEn:   "Verification incomplete — try again",
		langJa:   "認証未完了。再度お試しください",
		langKo:   "인증 미완료. 재시도해 주세요",
		langTh:   "การยืนยันไม่สมบูรณ์ กรุณาลองใหม่",
		langID:   "Verifikasi belum selesai, coba lagi",
	},
	"LIVENESS_POOR_QUALITY": {
		langZhCN: "画面质量不佳，请重试",
		langZhHK: "畫質欠佳，請重試",
		langEn:   "Poor image quality — please try again",
		langJa:   "画質不良。もう一度お試しください",
		langKo:   "화질 불량. 재시도해 주세요",
		langTh:   "คุณภาพภาพต่ำ กรุณาลองใหม่",
		langID:   "Kualitas gambar buruk, coba lagi",
	},
	"LIVENESS_MULTIPLE_FACES": {
		langZhCN: "检测到多张人脸，请仅本人重试",
		langZhHK: "偵測到多張人臉，請僅本人重試",
		langEn:   "More than one face — please try alone",
		langJa:   "お一人で再度お試しください",
		langKo:   "혼자서 다시 시도해 주세요",
		langTh:   "พบหลายใบหน้า กรุณาลองใหม่คนเดียว",
		langID:   "Ada wajah lain, coba lagi sendiri",
	},
	"LIVENESS_FACE_LEFT_FRAME": {
		langZhCN: "人脸移出框外，请重试",
		langZhHK: "人臉移出框外，請重試",
		langEn:   "Face left the frame — please try again",
		langJa:   "顔が枠から外れました",
		langKo:   "얼굴이 화면을 벗어났어요",
		langTh:   "ใบหน้าออกนอกกรอบ กรุณาลองใหม่",
		langID:   "Wajah keluar dari bingkai, coba lagi",
	},
	"LIVENESS_EYES_CLOSED_THROUGHOUT": {
		langZhCN: "请睁开眼睛后重试",
		langZhHK: "請睜開眼睛後重試",
		langEn:   "Keep your eyes open and try again",
		langJa:   "目を開けて再度お試しください",
		langKo:   "눈을 뜨고 다시 시도해 주세요",
		langTh:   "กรุณาลืมตาแล้วลองใหม่อีกครั้ง",
		langID:   "Buka mata Anda lalu coba lagi",
	},
	"LIVENESS_TIMEOUT": {
		langZhCN: "验证超时，请重试",
		langZhHK: "驗證逾時，請重試",
		langEn:   "Took too long — please try again",
		langJa:   "時間切れです。再度お試しください",
		langKo:   "시간 초과. 재시도해 주세요",
		langTh:   "ใช้เวลานานเกินไป กรุณาลองใหม่",
		langID:   "Terlalu lama, silakan coba lagi",
	},
	"LIVENESS_ACTION_NOT_COMPLETED": {
		langZhCN: "动作未完成，请按提示重试",
		langZhHK: "動作未完成，請按提示重試",
		langEn:   "Action not completed — please try again",
		langJa:   "指示どおりに再度お試しください",
		langKo:   "안내대로 다시 시도해 주세요",
		langTh:   "ทำตามคำแนะนำไม่ครบ กรุณาลองใหม่",
		langID:   "Gerakan belum selesai, coba lagi",
	},
	"ENGINE_CANCELLED": {
		langZhCN: "已取消验证",
		langZhHK: "已取消驗證",
		langEn:   "Verification cancelled",
		langJa:   "認証をキャンセルしました",
		langKo:   "인증이 취소되었어요",
		langTh:   "ยกเลิกการยืนยันแล้ว",
		langID:   "Verifikasi dibatalkan",
	},
	"ENGINE_PRECHECK_TIMEOUT": {
		langZhCN: "未检测到合格人脸，请重试",
		langZhHK: "未偵測到合格人臉，請重試",
		langEn:   "Face not ready in time — try again",
		langJa:   "顔を確認できませんでした",
		langKo:   "얼굴을 확인하지 못했어요",
		langTh:   "ตรวจไม่พบใบหน้าทันเวลา กรุณาลองใหม่",
		langID:   "Wajah tidak terdeteksi, coba lagi",
	},
	"ENGINE_BAD_FRAME": {
		langZhCN: "相机画面异常，请重试",
		langZhHK: "相機畫面異常，請重試",
		langEn:   "Camera problem — please try again",
		langJa:   "カメラに問題があります",
		langKo:   "카메라에 문제가 있어요",
		langTh:   "กล้องมีปัญหา กรุณาลองใหม่",
		langID:   "Kamera bermasalah, coba lagi",
	},
	"ENGINE_CHALLENGE_EXPIRED": {
		langZhCN: "验证已过期，请重新发起",
		langZhHK: "驗證已過期，請重新開始",
		langEn:   "Session expired — please start again",
		langJa:   "有効期限切れです。最初から",
		langKo:   "만료됐어요. 다시 시작하세요",
		langTh:   "หมดเวลาแล้ว กรุณาเริ่มใหม่",
		langID:   "Sesi kedaluwarsa, mulai lagi",
	},
	"ENGINE_NO_REFERENCE": {
		langZhCN: "缺少比对照片",
		langZhHK: "缺少比對相片",
		langEn:   "No photo to compare with",
		langJa:   "照合用の写真がありません",
		langKo:   "비교할 사진이 없어요",
		langTh:   "ไม่มีรูปสำหรับเปรียบเทียบ",
		langID:   "Tidak ada foto pembanding",
	},
	"COMPARE_NO_MATCH": {
		langZhCN: "人脸比对未通过",
		langZhHK: "人臉比對未通過",
		langEn:   "Face does not match the photo",
		langJa:   "顔写真と一致しません",
		langKo:   "사진과 얼굴이 일치하지 않아요",
		langTh:   "ใบหน้าไม่ตรงกับรูปถ่าย",
		langID:   "Wajah tidak cocok dengan foto",
	},
	"LIVENESS_WRONG_ORDER":           notLiveTexts,
	"ENGINE_FACE_CHANGED":            notLiveTexts,
	"LIVENESS_PLANAR_MOTION":         notLiveTexts,
	"LIVENESS_DISTANCE_CHECK_FAILED": notLiveTexts,
	"LIVENESS_REFLECTION_FAILED":     notLiveTexts,
	"LIVENESS_RECAPTURED":            notLiveTexts,
	"LIVENESS_SYNTHESIS_SUSPECTED":   notLiveTexts,
	"LIVENESS_FRAME_REPEATED":        notLiveTexts,
}

// Messages is the user-facing text of every code in one language, with the
// app's own wording where it gave some. It is read-only after NewMessages
// and safe for concurrent use.
type Messages struct {
	lang      int
	overrides map[string]string
}

// NewMessages picks the language from a BCP 47 tag (case-insensitive, "-"
// or "_" between subtags; a POSIX locale's ".UTF-8" or "@modifier" is
// ignored): Chinese in Simplified script or of the mainland or Singapore
// gets zh-CN, Chinese in Traditional script or of Hong Kong, Taiwan or
// Macau gets zh-HK, en, ja, ko, th and id (or the old "in") get their
// language, anything else gets en. overrides maps codes to the app's own
// texts, which win over the table; empty texts are ignored and the map is
// copied.
func NewMessages(tag string, overrides map[string]string) *Messages {
	m := &Messages{lang: languageOf(tag), overrides: make(map[string]string, len(overrides))}
	for code, text := range overrides {
		if text != "" {
			m.overrides[code] = text
		}
	}
	return m
}

// Language is the tag of the chosen language, one of Languages.
func (m *Messages) Language() string { return langTags[m.lang] }

// Text is what to show for code: the app's override, else the table's
// text in the chosen language. A code this version does not know gets the
// text of PromptFailed if it is a LIVENESS_ code, of PromptCenterFace if
// it is a FACE_ code, else the code itself; the result is never empty.
func (m *Messages) Text(code string) string {
	if text, ok := m.overrides[code]; ok {
		return text
	}
	if texts, ok := messageTable[code]; ok {
		return texts[m.lang]
	}
	switch {
	case strings.HasPrefix(code, "LIVENESS_"), code == "":
		return m.Text(PromptFailed)
	case strings.HasPrefix(code, "FACE_"):
		return m.Text(PromptCenterFace)
	}
	return code
}

// Languages lists the tags of the table's languages.
func Languages() []string { return append([]string(nil), langTags[:]...) }

// Codes lists every code in the table, sorted.
func Codes() []string {
	codes := make([]string, 0, len(messageTable))
	for code := range messageTable {
		codes = append(codes, code)
	}
	sort.Strings(codes)
	return codes
}

// languageOf maps a language tag to a lang* index.
func languageOf(tag string) int {
	tag = strings.ToLower(strings.ReplaceAll(tag, "_", "-"))
	if i := strings.IndexAny(tag, ".@"); i >= 0 {
		tag = tag[:i]
	}
	subtags := strings.Split(tag, "-")
	switch subtags[0] {
	case "zh":
		return chineseOf(subtags[1:])
	case "ja":
		return langJa
	case "ko":
		return langKo
	case "th":
		return langTh
	case "id", "in":
		return langID
	}
	return langEn
}

// chineseOf picks the Chinese script from the subtags after "zh": an
// explicit script wins (it precedes the region in a tag), then the region;
// Simplified when neither says. Extensions (after a one-letter subtag) are
// not read.
func chineseOf(subtags []string) int {
	for _, s := range subtags {
		switch s {
		case "hans":
			return langZhCN
		case "hant", "hk", "tw", "mo":
			return langZhHK
		}
		if len(s) == 1 {
			break
		}
	}
	return langZhCN
}
