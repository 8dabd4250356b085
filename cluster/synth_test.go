package cluster

import (
	"math/rand/v2"
)

// A team-written vocabulary of complaint themes for synthetic documents:
// tests need data with known groups, and the million-document benchmark
// must generate its corpus rather than read one.
var synthThemes = [][]string{
	{"物流", "快递", "慢", "三天", "没到", "配送", "延迟", "催单", "发货", "中转", "签收", "快递员"},
	{"屏幕", "碎", "裂", "摔", "划痕", "贴膜", "显示", "坏点", "触屏", "失灵", "亮度", "漏光"},
	{"退款", "退货", "拒绝", "申请", "审核", "到账", "驳回", "运费", "打款", "售后", "寄回", "流程"},
	{"电池", "续航", "耗电", "充电", "发热", "掉电", "充不进", "鼓包", "待机", "烫手", "充电器", "电量"},
	{"闪退", "打开", "卡顿", "app", "更新", "版本", "崩溃", "登录", "白屏", "重装", "页面", "加载"},
	{"价格", "降价", "优惠券", "活动", "差价", "保价", "便宜", "涨价", "满减", "红包", "划算", "原价"},
	{"包装", "破损", "盒子", "压坏", "漏", "胶带", "简陋", "纸箱", "泡沫", "变形", "封口", "塑料袋"},
	{"客服", "态度", "回复", "机器人", "电话", "投诉", "敷衍", "排队", "人工", "挂断", "答非所问", "推诿"},
	{"味道", "咸", "难吃", "分量", "凉", "油腻", "菜", "米饭", "辣", "外卖", "餐盒", "口感"},
	{"尺码", "偏小", "偏大", "码数", "换货", "腰围", "长度", "袖子", "版型", "面料", "起球", "掉色"},
	{"假货", "正品", "防伪", "真假", "专柜", "鉴定", "仿冒", "批号", "假冒", "授权", "验货", "二维码"},
	{"噪音", "声音", "吵", "震动", "异响", "风扇", "嗡嗡", "静音", "分贝", "共振", "噪声", "安静"},
}

var synthGeneric = []string{"收到", "购买", "商品", "店家", "朋友", "今天", "下单", "使用", "问题", "体验", "一天", "家里"}

// synthNoise is a vocabulary of 3,600 two-character words no theme uses.
var synthNoise = func() []string {
	chars := []rune("山水木火土金石田禾竹米糸耳目口手足心言车马鸟鱼虫雨云风日月星光天地人大小上下左右中前后里外东西南北春夏秋冬红黄蓝白黑青")
	var out []string
	for _, a := range chars {
		for _, b := range chars {
			out = append(out, string([]rune{a, b}))
		}
	}
	return out
}()

// synthDocs returns n documents over the first nThemes themes with their
// true theme, theme sizes falling off like 1/rank. noise is the share of
// words drawn from the noise vocabulary.
func synthDocs(n, nThemes int, noise float64, seed uint64) ([][]string, []int) {
	rng := rand.New(rand.NewPCG(seed, 7))
	cum := make([]float64, nThemes)
	var total float64
	for t := range cum {
		total += 1 / float64(t+2)
		cum[t] = total
	}
	docs := make([][]string, n)
	labels := make([]int, n)
	for i := range docs {
		r := rng.Float64() * total
		t := 0
		for cum[t] < r {
			t++
		}
		labels[i] = t
		words := synthThemes[t%len(synthThemes)]
		l := 4 + rng.IntN(14)
		doc := make([]string, l)
		for w := range doc {
			switch p := rng.Float64(); {
			case p < noise:
				doc[w] = synthNoise[rng.IntN(len(synthNoise))]
			case p < noise+0.2:
				doc[w] = synthGeneric[rng.IntN(len(synthGeneric))]
			default:
				// Skewed within the theme: its first words are its core.
				doc[w] = words[min(rng.IntN(len(words)), rng.IntN(len(words)))]
			}
		}
		docs[i] = doc
	}
	return docs, labels
}

// synthLargeDocs is synthDocs with the noise drawn from 216,000
// three-character words with Zipf frequencies instead of 3,600 uniform
// ones, so that the vocabulary after min_df is tens of thousands of terms
// wide, as in a real corpus of this size.
func synthLargeDocs(n int, seed uint64) ([][]string, []int) {
	docs, labels := synthDocs(n, len(synthThemes), 0.25, seed)
	chars := []rune("山水木火土金石田禾竹米糸耳目口手足心言车马鸟鱼虫雨云风日月星光天地人大小上下左右中前后里外东西南北春夏秋冬红黄蓝白黑青")
	vocab := make([]string, 0, len(chars)*len(chars)*len(chars))
	for _, a := range chars {
		for _, b := range chars {
			for _, c := range chars {
				vocab = append(vocab, string([]rune{a, b, c}))
			}
		}
	}
	rng := rand.New(rand.NewPCG(seed, 9))
	zipf := rand.NewZipf(rng, 1.1, 2, uint64(len(vocab)-1))
	// Swap the uniform noise words for Zipf-drawn ones.
	noise := make(map[string]bool, len(synthNoise))
	for _, w := range synthNoise {
		noise[w] = true
	}
	for _, d := range docs {
		for i, w := range d {
			if noise[w] {
				d[i] = vocab[zipf.Uint64()]
			}
		}
	}
	return docs, labels
}
