"""Word lists for plausible demo names (villages and sending units of a Guizhou county)."""

VILLAGE_STEMS = [
    "五七", "土地坳", "茶园", "新场", "龙门", "青杠", "大坪", "白果", "岩门", "沙坝", "高峰", "凉风", "水井", "竹林",
    "桐子", "黄连", "金竹", "杨柳", "马鞍", "观音", "鹅塘", "红岩", "石板", "松林", "田坝", "长坡", "中坝", "团山",
    "梨子", "坪上", "龙井", "关口", "回龙", "新华", "向阳", "和平", "光明", "星火", "丰收", "永安", "太平", "福星",
    "大岩", "小溪", "龙潭", "槐花", "板栗", "核桃", "柑子", "银杏", "桂花", "竹园", "三角", "塘坝", "溪口", "河坝",
    "洞口", "磨坊", "庙坪", "寨子", "坝子", "官田", "上坝", "下坝", "桃园", "李家", "张家", "王家", "陈家", "田家",
    "冉家", "崔家", "覃家", "向家", "邓家", "何家", "黄家", "杨家", "安家", "侯家", "杜家", "谢家", "袁家", "付家",
]

UNIT_BASES = [
    ("县委组织部", "county", "party_gov"), ("县委宣传部", "county", "party_gov"), ("县委统战部", "county", "party_gov"),
    ("县纪委县监委", "county", "party_gov"), ("县财政局", "county", "party_gov"), ("县农业农村局", "county", "party_gov"),
    ("县教育局", "county", "party_gov"), ("县卫生健康局", "county", "party_gov"), ("县交通运输局", "county", "party_gov"),
    ("县水务局", "county", "party_gov"), ("县人力资源和社会保障局", "county", "party_gov"),
    ("县自然资源局", "county", "party_gov"), ("县住房和城乡建设局", "county", "party_gov"),
    ("县民政局", "county", "party_gov"), ("县司法局", "county", "party_gov"), ("县商务局", "county", "party_gov"),
    ("县林业局", "county", "party_gov"), ("县文体广电旅游局", "county", "party_gov"), ("县市场监管局", "county", "party_gov"),
    ("县乡村振兴局", "county", "party_gov"), ("县医疗保障局", "county", "party_gov"), ("县人民医院", "county", "institution"),
    ("县中医院", "county", "institution"), ("县第一中学", "county", "institution"), ("县职业技术学校", "county", "institution"),
    ("县供电局", "county", "state_enterprise"), ("县农村商业银行", "county", "state_enterprise"),
    ("县烟草专卖局", "county", "state_enterprise"), ("县城市投资公司", "county", "state_enterprise"),
    ("铜仁市发展和改革委员会", "city", "party_gov"), ("铜仁市农业农村局", "city", "party_gov"),
    ("铜仁市财政局", "city", "party_gov"), ("铜仁市卫生健康局", "city", "party_gov"),
    ("铜仁学院", "city", "institution"), ("铜仁职业技术学院", "city", "institution"),
    ("贵州省农业农村厅", "province", "party_gov"), ("贵州省交通运输厅", "province", "party_gov"),
    ("贵州省林业局", "province", "party_gov"), ("贵州大学", "province", "institution"),
    ("贵州电网有限责任公司", "province", "state_enterprise"),
]

INSURERS = ["中国人寿保险沿河支公司", "中国人民财产保险铜仁分公司", "中国平安财产保险贵州分公司", "太平洋财产保险铜仁中心支公司"]

MOBILE_PREFIXES = ["139", "138", "137", "136", "135", "158", "159", "187", "188", "182", "183", "130", "131",
                   "132", "155", "156", "185", "186", "133", "153", "180", "189", "177", "199", "151", "152"]

LEAVE_REASONS = ["家中老人住院需陪护", "参加单位年度培训", "子女升学办理手续", "本人身体不适就医", "处理家庭紧急事务"]

# Township names for the prefecture demo's other nine counties (Yanhe keeps its real tree).
TOWNSHIP_STEMS = ["龙溪", "双龙", "桃源", "石门", "高坪", "青龙", "合水", "木黄", "天堂", "朗溪", "新寨", "罗场", "杉树",
                  "缠溪", "刀坝", "长坝", "许家坝", "大坝场", "塘头", "文家店", "孙家坝", "亭子坝", "张家寨", "瓦屋",
                  "漾头", "茶店", "大兴", "凉水井", "邵家桥", "思林", "兴隆", "长兴", "复兴", "永义", "盘石", "平头",
                  "冷水", "孟溪", "河坝", "白沙", "五德", "本庄", "坪山", "枫香", "聚凤", "甘龙", "普觉", "寨英"]
