// Package ocr reads the Chinese resident ID card (居民身份证) from a photo
// or camera frame: it finds the card, rectifies it to 856×540 (the ID-1
// aspect, 10 px per mm), turns it upright, detects and recognises its text
// with PaddleOCR's PP-OCRv4 models, and extracts the fields of either side
// with the card's fixed layout and its printed labels as anchors. It also
// raises capture-quality warnings, which never stop the reading.
//
// The card is found by its edge (a region of the card's surface grown from
// the middle of the shrunk photo, its outline fitted with a quadrilateral
// whose sides are then moved onto the card's edge in the full photo,
// refine.go); when there is none,
// or what it outlines does not show the side's labels where GA 450's layout
// prints them, by its edge again in the photo smoothed first (a display's
// stripes on a recaptured card alias into bands when the photo is shrunk
// for the search), and by its printed layout: the text detector runs over
// the whole photo, and the labels it reads (the front's 姓名 / 性别 / 出生
// / 住址 column, 公民身份号码, 民族 and the number's digits, the back's
// 中华人民共和国 / 居民身份证 / 签发机关 / 有效期限, and where its values,
// the issuer and the validity, start) give the card's place
// by a similarity fit (on a front whose labels read too faint for two to
// fit, the number's digits and the birth date's row above them do:
// fitByNumber); with three labels or more it becomes the homography
// under which the labels stay in place, the card's text lines run level and
// the card is a rigid rectangle seen by a phone's camera (perspective.go: a
// similarity cannot follow a card seen in perspective), and its sides are
// then moved onto the card's edge where a weak one shows nearby
// (refine.go). The edge search gives every card-shaped surface its seeds
// grow, the largest first (a pale backdrop can pass for a larger card),
// and they are read in turn. An edge-found outline is trusted when three
// of its side's labels lie in their places, no further off on average than
// on a true outline (maxTrueOffset), it is not skewed past a card's
// perspective (maxSkew), is one a rigid card seen by the photo's camera
// makes (rigidOutline), does not run to the photo's border, and no other
// outline lies within it (a region that leaked over a finger or the
// backdrop at a corner still puts the labels near their places; of two as
// good, the inner is the card's unless what the outer adds has the card's
// hue, a shadow across the card, and an unskewed one beats a skewed one);
// otherwise the others are read too and the one that agrees best with the
// layout is kept. None finding a card is ErrNoCard; an outline whose print is too
// blurred for a label to be read, or read in its place, is ErrTooBlurred,
// with the outline, the truer of two (a user must hold still, not look for
// the card), turned the way up the wanted side's portrait or emblem shows
// (blurredAt), and so is a photo too soft as a whole for either route to
// read the card (photoTooBlurred), or in which no reading puts a label in
// its place (the smear's, not the print's), with the outline the edge
// gave, or
// else the one it gives in the photo shrunk until the blur spans about a
// pixel (softOutline), if any. A card photographed off a display is
// located by its text and read averaged over one period of the display's
// pixel grid (withoutGrid), whose stripes the models otherwise take for
// strokes, and also as taken, whose print the averaging blurs (the
// reading that agrees better with the layout is kept). Rows are grouped
// in the rectified card turned by its residual skew, lines off the card
// and specks (boxes less than half as tall as the card's lines) are
// dropped, a row placed by its height alone does not replace a field its
// labelled row gave, nor does one left of the values' column give one
// (a label's character boxed apart), the
// 民族 row is decoded against the list of ethnicities by CTC's likelihood
// of each (ctc.go), a label read as other characters is told from its
// value by where along its line each character was read, a number one
// character off a valid one, or one character short of one, is mended,
// and one read with a character more at an end trimmed, and one that lost
// a run of characters to a finger or glare completed from the address's
// county code (DivisionsAsset) and the birth date (number.go), a
// number whose check digit holds settles the birth date and sex (a birth read otherwise is read again as the number's date on its
// line; one not read, and a sex read as neither 男 nor 女, are the
// number's, as guesses), a validity
// with no card's term is read against the periods its dates make with the
// terms, or, where neither date parses but every character stands in its
// place, against the periods within two digits of it (mend.go), without
// such a number a sex read as neither 男 nor 女, or not boxed, is decoded against the two, an ethnicity read as none of
// the 56 is decoded against them (mendClosed), a name's surname is read
// again among the census's surnames, each weighed by one over its rank, and
// a given name's character rare in names among the common ones, taken when
// the recogniser's probabilities allow it, and a name
// of one to three characters read again over a box half a character
// wider each way, taken when it gains a character at an end (names.go), the
// number's digits merged
// into the address are moved to the number (or cut, too few to be it), a
// misread label before an issuer of the list (or one a character or two
// off it) and up to two characters before an address's division are cut,
// the address's division, its unit words, a number read as another
// character before a unit word (口 for 11), the street's last character
// before its number (通 for 道), a street's stem a character off a common
// one (中曲路 for 中山路) and the issuer (matched whole, its 局
// words left out of how near it is to each entry) are mended from the
// closed lists of China's divisions (DivisionsAsset), of unit words, of
// numbers, of street ends and of common street names, again by CTC's likelihood on their lines
// (an entry that stands out of the others its site offers taken even when
// the greedy reading is likelier still: decisive), a division
// or an issuer that lost characters to glare or a finger (fewer read
// than printed) is completed from the one entry that keeps the most of it
// (lostPlace, places.go) or, on a front, from the county the number
// names (numbersCounty), a division still misread is read as that county
// when it lies within a third of its characters (mendByCounty), an address ending in
// a digit gains the 号 or 室 that wrapped onto a box of its own read as
// nothing (closeAddress), 单 between two numbers gains its 元 as a guess
// (completeUnit), and the fields' texts are checked:
// the number's check digit, birth and sex against the number, the validity
// term (5, 10 or 20 years, or 长期), and with CrossCheck the term against
// the holder's age at issue. ReadAt judges expiry against a given day.
//
// Warnings and errors carry stable OCR_ codes, listed in codes.go: a
// Warning's Codes, and the Code of NoCardError, BlurredError and
// DecodeError, which match ErrNoCard, ErrTooBlurred and ErrDecode with
// errors.Is. The models, the
// character list and the divisions come from the model directory given to
// Open; the caller
// starts the runtime. An Engine is safe for concurrent use.
package ocr
