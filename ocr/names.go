package ocr

import (
	"image"
	"math"
	"slices"
	"strings"
	"unicode"
)

// censusSurnames are China's commonest single-character surnames, some
// 250 of them, in the census's ranking: between them the great majority of
// its people. surnames is their set; compoundSurnames are the two-
// character ones still met.
var censusSurnames = []rune(`王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩邓冯曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付傅方邹熊白孟秦邱侯江尹薛闫阎段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严莫孔向常汤康易乔赖文施洪辛柴牛温庞樊兰殷葛季齐左翟詹申欧耿关鲁颜倪包焦尚童花聂苗柳甘单祝安伍岳卜卞毕边蔺米车成戚褚凌霍解滕柯景管宁卫华邢裴路靳纪舒晏伏饶房巫瞿俞鲍穆涂宫宗祁蓝杭商缪郎符麦喻习骆连虞冉丛梅吉娄阮幸简明屈项占游曲谷邬栾刁廉芦桑丰尤古席储鞠谈艾和盛茅全农冷郁粟佟荣闵时蒲帅官朴原门甄司隋仇桂晋冀荀井姬`)

var surnames = setOf(string(censusSurnames))

var compoundSurnames = []string{"欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "夏侯", "长孙", "宇文", "司徒", "轩辕", "端木", "独孤", "南宫", "西门", "申屠", "澹台", "公冶", "呼延", "万俟"}

// givenChars are the characters Han given names are commonly made of,
// some 870 of them: the few thousand others a name may use are still
// read as printed when the recogniser is sure of them (nameShortfall).
var givenChars = setOf(`伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红文辉建国志鑫宇浩然子涵欣怡梓轩雨婷思远嘉豪俊晓东海燕春梅秋菊冬雪立
	新振宁德胜永福家宝佳琪天佑若曦一鸣博安斌波彬兵冰彩灿昌畅晨辰成诚承程驰纯聪翠丹道登迪栋端朵娥恩尔帆凡飞菲芬丰锋峰凤芙富钢
	高歌耕功光广贵航昊和荷赫鹤恒弘宏虹鸿厚虎欢环焕慧蕙惠会吉纪季继甲坚俭剑健江姣洁捷金锦谨进晋京经晶菁景靖敬镜九久君钧峻骏凯
	楷康可克坤昆岚蓝朗乐雷蕾黎礼理力莉利连莲良亮林琳霖玲凌灵铃龄令柳龙隆璐露禄路伦洛满曼茂美萌蒙梦民名铭墨默木慕穆乃楠妮年凝
	诺鹏朋萍琦奇祺启谦倩茜乔巧勤琴青清晴庆琼全泉群冉仁荣容蓉融如儒瑞锐润三森山善尚少绍申深升生圣诗石实世仕守寿书淑舒树帅双爽
	顺硕斯松颂素桃腾添田甜庭通同彤童拓万旺威薇维卫蔚雯武舞西希熙喜侠先贤娴显宪祥翔向潇小孝笑心馨信星兴幸雄修旭序萱宣璇学勋亚
	雅岩言研彦阳杨扬瑶遥耀业叶伊依宜仪毅逸意义艺亦易益谊音银寅莹盈颖影映咏优友有语育钰裕煜誉元园源媛苑悦月跃越云芸昀韵泽增展
	章彰昭照哲真震镇正政之芝智致中忠钟洲珠竹柱卓紫宗祖尊佐奥柏邦保北贝本碧标彪炳婵长常朝琛臣澄川传淳达大典鼎多发方斐甫根庚冠
	晗含寒汉翰瀚好皓合河洪泓花画怀桓黄徽卉简娇皎今瑾劲炯隽开侃珂科琨阔澜浪俐励烈麟伶翎菱流留珑鲁鹭律绿峦纶漫蔓玫媚孟妙苗淼闽
	茗牧纳南能霓念浓欧沛佩品屏珀璞朴浦溥七齐其岐麒起绮千乾潜擎求球渠权让日溶榕柔茹汝蕊睿莎珊杉姗韶绅沈盛十时士适舜朔丝嵩苏肃
	速泰坛棠韬滔婉宛晚皖菀望微韦玮炜纬温稳沃吾午晰玺夏闲弦湘香襄享萧筱效协行杏绣须煦玄炫薰寻迅延妍炎衍晏焱雁央仰尧姚野晔夜贻
	颐以屹弈奕翼因茵荫殷吟婴樱鹰滢瀛雍泳涌悠攸由犹游又于予余俞瑜榆羽禹郁昱毓渊沅垣原圆愿约岳钺阅匀耘允运蕴赞藻湛璋钊喆臻征铮
	郑枝知执植治挚仲舟周竺主灼孜姿资自纵遵作爱昂敖傲百白葆豹蓓备奔滨缤丙秉伯泊勃渤璨苍沧策岑禅潮城骋崇楚慈丛存黛旦灯笛棣殿定
	铎峨繁范妃风枫奉复罡皋革阁工公恭巩拱贡古谷顾管归圭规瑰果韩杭灏禾贺衡侯候桦寰煌晃汇绘极及际寂舰鉴姜将蛟骄结婕介津近精竞玖
	巨举郡铠抗恪垦空来莱垒里历廉凉梁谅临岭领六楼潞罗珞骆芒枚盟弥密棉谟沐`)

// charSet is a set of characters, sorted.
type charSet []rune

// setOf is the set of s's characters, blanks aside.
func setOf(s string) charSet {
	return slices.Compact(slices.Sorted(slices.Values([]rune(strings.Join(strings.Fields(s), "")))))
}

func (c charSet) has(r rune) bool {
	_, ok := slices.BinarySearch(c, r)
	return ok
}

// nameShortfall bounds how much likelier (in nats) a name's greedy
// reading may be than one with a common name character in place of an
// uncommon one: about e² = 7 to 1. Of two characters the recogniser
// wavers between (涵 and 酒, 贾 and 贯), the one a name is far likelier
// to hold is then read; a rare character printed plainly is read as it is,
// its alternatives hundreds of times less likely.
const nameShortfall = 2.0

// mendName reads again, among the common surnames (surnames) and given-
// name characters (givenChars), each character of a Han name that is
// none of them: a name of two to four Han characters (a transliterated
// name, 阿依古丽·买买提, is longer and made of other characters; one read
// with a digit or a letter in it was misread past mending).
func (e *Engine) mendName(card *image.RGBA, read []line, fields map[string]Field) error {
	sites := nameSites([]rune(fields[Name].Text))
	if len(sites) == 0 {
		return nil
	}
	return e.mendField(card, read, fields, Name, sites, nameShortfall, false)
}

// rereadName reads a name of one to three characters again, from half a
// character before its line's box to half one past it: the detector's
// box of a short name may stop short of a character that the recogniser
// then drops at its edge (平 for 邵平, 洋志 for 崔洋志). The reading, its
// label cut, is taken when it is a name of two to four Han characters
// that holds what was read, whole, with one character more (or, for one
// read as a single character, up to three: no name is shorter than a
// surname and a given name).
func (e *Engine) rereadName(card *image.RGBA, read []line, fields map[string]Field) error {
	name := []rune(fields[Name].Text)
	if len(name) == 0 || len(name) > 3 || !allHan(name) {
		return nil
	}
	i := slices.IndexFunc(read, func(l line) bool {
		return strings.HasSuffix(toRun(l).String(), string(name)) && l.box.centre().Y < frontRows[1].y
	})
	if i < 0 {
		return nil
	}
	q := read[i].box.quad
	h := q[0].Dist(q[3])
	u := q[1].Sub(q[0]).Scale(1 / q[0].Dist(q[1]))
	box, ok := rowSpan(q, q[0].Sub(u.Scale(h/2)), q[3].Sub(u.Scale(h/2)), q[1].X+h/2)
	if !ok {
		return nil
	}
	got, err := e.recognise(card, []textBox{box})
	if err != nil {
		return err
	}
	g := toRun(got[0])
	if k := g.findLabel("姓名", 0); k >= 0 {
		g = g[k+2:]
	}
	// The box's widening may take in the label's end, 名 (no surname),
	// or a character of it misread (香 for 名): what lies where the label
	// is printed is not the name's.
	labelEnd := anchors[0].at.X + labelSpan("姓名") - box.quad[0].X
	for len(g) > 0 && (strings.ContainsRune("姓名", g[0].r) || g[0].along < labelEnd) {
		g = g[1:]
	}
	text := []rune(g.String())
	gain := len(text) - len(name)
	if len(text) < 2 || len(text) > 4 || !allHan(text) || !strings.Contains(string(text), string(name)) || gain < 1 || gain > 1 && len(name) > 1 {
		return nil
	}
	fields[Name] = Field{Text: string(text), Conf: g.conf()}
	return nil
}

// nameSites are the characters of a Han name mendName reads again, each
// against the list for its place.
func nameSites(text []rune) [][]edit {
	if len(text) < 2 || len(text) > 4 || !allHan(text) {
		return nil
	}
	var sites [][]edit
	from := 1
	if compound(string(text)) {
		from = 2
	} else {
		sites = append(sites, surnameEdits())
	}
	for i := from; i < len(text); i++ {
		if !givenChars.has(text[i]) {
			sites = append(sites, charEdits(i, givenChars))
		}
	}
	return sites
}

func allHan(text []rune) bool {
	for _, r := range text {
		if !unicode.Is(unicode.Han, r) {
			return false
		}
	}
	return true
}

// compound reports whether name opens with a two-character surname.
func compound(name string) bool {
	for _, s := range compoundSurnames {
		if strings.HasPrefix(name, s) {
			return true
		}
	}
	return false
}

// surnameEdits puts each of censusSurnames in place of a name's first
// character, each weighed by how often the census meets it: in proportion
// to one over its rank, as surnames' shares fall off (王 and 李 some 7 % of
// people each, the hundredth some 0.2 %). Of two surnames the recogniser
// wavers between (季 and 李), the commoner is then read unless the print
// says otherwise by more than their shares differ; one read as printed
// competes with the others too, so that a surname is read in its place
// whether or not the greedy reading was one.
func surnameEdits() []edit {
	site := make([]edit, len(censusSurnames))
	for k, r := range censusSurnames {
		site[k] = edit{from: 0, to: 1, text: string(r), prior: -math.Log(float64(k + 1))}
	}
	return site
}

// charEdits puts each character of set in place of the field's i-th.
func charEdits(i int, set charSet) []edit {
	site := make([]edit, len(set))
	for k, r := range set {
		site[k] = edit{from: i, to: i + 1, text: string(r)}
	}
	return site
}
