package synth

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/liveid/liveid/ocr"
)

// Identity is a fake card holder. Its number is well-formed: region code,
// birth date, a sequence whose last digit's parity is the sex, and the
// GB 11643 check digit.
type Identity struct {
	Name, Sex, Ethnicity string
	Birth                time.Time
	Address              string
	Number               string
	Issuer               string
	ValidFrom            time.Time
	ValidTo              time.Time // zero for 长期 (no expiry)
}

// Fields are the identity's field texts in ocr's formats.
func (id Identity) Fields() map[string]string {
	to := "长期"
	if !id.ValidTo.IsZero() {
		to = id.ValidTo.Format("2006.01.02")
	}
	return map[string]string{
		ocr.Name: id.Name, ocr.Sex: id.Sex, ocr.Ethnicity: id.Ethnicity,
		ocr.Birth: id.Birth.Format("2006-01-02"), ocr.Address: id.Address, ocr.Number: id.Number,
		ocr.Issuer: id.Issuer, ocr.Validity: id.ValidFrom.Format("2006.01.02") + "-" + to,
	}
}

var surnames = strings.Fields(`王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 高 林 罗 郑 梁 谢 宋 唐
	许 韩 冯 邓 曹 彭 曾 田 董 袁 潘 蒋 蔡 余 杜 叶 程 苏 魏 吕 丁 任 沈 姚 卢 姜 崔 钟 谭 陆 汪
	范 金 石 廖 贾 夏 韦 方 白 邹 孟 熊 秦 邱 江 尹 薛 段 雷 侯 龙 史 陶 贺 顾 毛 郝 龚 邵 万 钱 严
	武 戴 莫 孔 向 汤 欧阳 司马 上官`)

var givenChars = []rune(strings.Join(strings.Fields(`伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华建国志红文玉兰辉鑫宇浩然子涵欣怡
	梓轩雨婷思远嘉豪俊杰晓东海燕春梅秋菊冬雪立新振宁德胜永福家宝佳琪天佑若曦一鸣博文`), ""))

// region is a county-level division: its code opens the number, its names
// the address and the issuing police office.
type region struct {
	code                     string
	province, city, district string
}

var regions = []region{
	{"110105", "", "北京市", "朝阳区"}, {"110108", "", "北京市", "海淀区"},
	{"310104", "", "上海市", "徐汇区"}, {"120101", "", "天津市", "和平区"},
	{"500103", "", "重庆市", "渝中区"}, {"440106", "广东省", "广州市", "天河区"},
	{"440305", "广东省", "深圳市", "南山区"}, {"330106", "浙江省", "杭州市", "西湖区"},
	{"320102", "江苏省", "南京市", "玄武区"}, {"510107", "四川省", "成都市", "武侯区"},
	{"420106", "湖北省", "武汉市", "武昌区"}, {"610113", "陕西省", "西安市", "雁塔区"},
	{"370102", "山东省", "济南市", "历下区"}, {"410105", "河南省", "郑州市", "金水区"},
	{"430104", "湖南省", "长沙市", "岳麓区"}, {"350203", "福建省", "厦门市", "思明区"},
	{"530102", "云南省", "昆明市", "五华区"}, {"220102", "吉林省", "长春市", "南关区"},
	{"230103", "黑龙江省", "哈尔滨市", "南岗区"}, {"210102", "辽宁省", "沈阳市", "和平区"},
	{"650102", "新疆维吾尔自治区", "乌鲁木齐市", "天山区"}, {"150102", "内蒙古自治区", "呼和浩特市", "新城区"},
	{"540102", "西藏自治区", "拉萨市", "城关区"}, {"450103", "广西壮族自治区", "南宁市", "青秀区"},
}

var streets = strings.Fields(`建国路 中山路 人民路 解放路 长安街 和平路 文化路 胜利街 新华路 光明路
	幸福大街 朝阳北路 学院路 滨江大道 东风路 青年路 花园街 工业大道`)

var villages = strings.Fields(`王家 李庄 张村 杨柳 石桥 新塘 白沙 高坪 东岗 南湾`)

// NewIdentity draws a fake holder.
func NewIdentity(r *rand.Rand) Identity {
	var id Identity
	id.Name = surnames[r.IntN(len(surnames))]
	for range 1 + r.IntN(2) {
		id.Name += string(givenChars[r.IntN(len(givenChars))])
	}
	male := r.IntN(2) == 0
	id.Sex = map[bool]string{true: "男", false: "女"}[male]
	id.Ethnicity = "汉"
	if r.Float64() < 0.3 {
		id.Ethnicity = ocr.Ethnicities[1+r.IntN(len(ocr.Ethnicities)-1)]
	}
	id.Birth = time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(56*365))
	reg := regions[r.IntN(len(regions))]
	// Three printed lines hold about 33 characters.
	for id.Address == "" || utf8.RuneCountInString(id.Address) > 33 {
		id.Address = reg.province + reg.city + reg.district + street(r)
	}
	seq := r.IntN(100)*10 + 2*r.IntN(5)
	if male {
		seq++
	}
	first17 := reg.code + id.Birth.Format("20060102") + fmt.Sprintf("%03d", seq)
	check, err := ocr.CheckDigit(first17)
	if err != nil {
		panic(err) // first17 is built from digits
	}
	id.Number = first17 + string(check)
	id.Issuer = reg.city + "公安局" + strings.TrimSuffix(reg.district, "区") + "分局"
	id.ValidFrom, id.ValidTo = validity(r, id.Birth)
	return id
}

func street(r *rand.Rand) string {
	if r.IntN(4) == 0 {
		return fmt.Sprintf("%s村%d组%d号", villages[r.IntN(len(villages))], 1+r.IntN(12), 1+r.IntN(60))
	}
	s := fmt.Sprintf("%s%d号", streets[r.IntN(len(streets))], 1+r.IntN(300))
	if r.IntN(2) == 0 {
		s += fmt.Sprintf("%d栋%d单元%d室", 1+r.IntN(30), 1+r.IntN(6), 101+r.IntN(20)*100+r.IntN(4))
	}
	return s
}

// validity follows the rule for the term (ocr.TermFor): 5 years under
// 16, 10 to 25, 20 to 45, then no expiry, by the age at issue. The card was issued after 2005 and after the
// holder turned 5.
func validity(r *rand.Rand, birth time.Time) (from, to time.Time) {
	earliest := birth.AddDate(5, 0, 0)
	if y2005 := time.Date(2005, 1, 1, 0, 0, 0, 0, time.UTC); earliest.Before(y2005) {
		earliest = y2005
	}
	latest := time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC)
	if !earliest.Before(latest) {
		earliest = latest.AddDate(-1, 0, 0)
	}
	from = earliest.AddDate(0, 0, r.IntN(int(latest.Sub(earliest).Hours()/24)+1))
	age := from.Year() - birth.Year()
	if from.Month() < birth.Month() || (from.Month() == birth.Month() && from.Day() < birth.Day()) {
		age-- // completed years, as GA 450 counts the age at issue
	}
	if y := ocr.TermFor(age); y > 0 {
		return from, from.AddDate(y, 0, 0)
	}
	return from, time.Time{}
}
