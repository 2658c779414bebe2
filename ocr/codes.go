package ocr

// The package's stable codes: what apps, servers and the evidence package
// see of its warnings and errors. A code never changes meaning; a new
// condition gets a new code.
const (
	// Capture-quality warnings, one per Warning bit (Warning.Codes).
	CodeBorderIncomplete = "OCR_BORDER_INCOMPLETE" // WarnBorder: part of the card is outside the image
	CodePhotocopy        = "OCR_PHOTOCOPY"         // WarnPhotocopy: no colour, a black-and-white copy
	CodeScreen           = "OCR_SCREEN"            // WarnScreen: photographed off a screen (its pixel grid shows)
	CodeGlare            = "OCR_GLARE"             // WarnGlare: a blown-out reflection on the card
	CodeBlur             = "OCR_BLUR"              // WarnBlur: the text's edges are too soft
	CodeOcclusion        = "OCR_OCCLUSION"         // WarnOcclusion: something covers part of the card
	CodeWrongSide        = "OCR_WRONG_SIDE"        // WarnWrongSide: not the side that was asked for
	CodeExpired          = "OCR_EXPIRED"           // WarnExpired: the card's validity period has ended
	CodeExpiring         = "OCR_EXPIRING_SOON"     // WarnExpiring: it ends within ExpiringWithin
	CodeTemporary        = "OCR_TEMPORARY_CARD"    // WarnTemporary: a temporary card (临时居民身份证)

	// Errors, the Code of the typed errors.
	CodeNoCard = "OCR_NO_CARD" // NoCardError: no readable ID card in the image
	CodeDecode = "OCR_DECODE"  // DecodeError: the bytes are not a decodable JPEG or PNG
	// BlurredError: a card is in view, too blurred for its labels to be read
	CodeTooBlurred = "OCR_TOO_BLURRED"
)
