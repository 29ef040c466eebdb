"""The words the readout parser reads by: edit these lists to teach it new phrasing.

Every entry is plain text. Case does not matter unless a comment says so; a phrase of several
words also matches across line breaks. Changes take effect the next time a readout is read.
Codes (meeting kinds, strengths, countries, themes) are the ones stored in the database.
"""

# Meeting kinds, as in the database (tracker.models.MeetingKind). A video call is a *format*.
KINDS = (
    "summit",
    "foreign_ministers",
    "security_2plus2",
    "economic_2plus2",
    "dialogue",
    "trilateral",
    "multilateral",
    "telephone",
    "working",
    "other",
)
# How the meeting was held (tracker.models.MeetingFormat).
FORMATS = ("in_person", "video", "telephone")
# How binding a sentence is, strongest first (tracker.models.Strength, plus "none").
STRENGTHS = ("joint", "request", "acknowledgement", "none")
# How exactly a mentioned meeting's date is known.
DATE_PRECISIONS = ("day", "month", "none")
# Country codes; the order is also the display order of country lists: the two allies first.
COUNTRY_CODES = ("JP", "US", "KR", "AU", "IN", "GB", "G7", "CN", "TW", "KP", "RU", "UA")
# Countries that are usually the object of a commitment, not a side bound by it.
NON_PARTY_COUNTRIES = ("RU", "KP", "CN", "TW", "UA")

# Words that make a meeting multilateral (a forum of many countries) rather than bilateral.
# A title that also names two countries ("Japan-U.S. Summit on the margins of the G7") stays
# bilateral; four named countries or more make a meeting multilateral too.
MULTILATERAL_WORDS = (
    "G7",
    "G-7",
    "Group of Seven",
    "G20",
    "G-20",
    "Group of Twenty",
    "Quad",
    "ASEAN",
    "East Asia Summit",
    "APEC",
    "IPEF",
    "NATO",
    "multilateral",
)

# Theme code -> the words that put a sentence under that theme (whole words, one sentence at a
# time).
THEME_KEYWORDS = {
    "security": (
        "security and defense",
        "security and defence",
        "defense cooperation",
        "defence cooperation",
        "security cooperation",
        "security environment",
        "deterrence",
        "response capabilities",
        "alliance",
        "self-defense forces",
        "missile defense",
        "command and control",
        "defense",
        "defence",
        "安全保障",
        "防衛",
    ),
    "extended_deterrence": ("extended deterrence", "nuclear umbrella", "拡大抑止"),
    "realignment": (
        "realignment",
        "okinawa",
        "futenma",
        "henoko",
        "guam",
        "host nation support",
        "u.s. forces in japan",
        "再編",
        "沖縄",
    ),
    "russia_ukraine": ("russia", "russian", "ukraine", "ukrainian", "kyiv", "ロシア", "ウクライナ"),
    "indo_pacific": (
        "indo-pacific",
        "free and open",
        "foip",
        "quad",
        "asean",
        "pacific islands",
        "like-minded countries",
        "インド太平洋",
    ),
    "china_taiwan": (
        "china",
        "chinese",
        "taiwan",
        "cross-strait",
        "east china sea",
        "south china sea",
        "senkaku",
        "中国",
        "台湾",
    ),
    "north_korea": (
        "north korea",
        "dprk",
        "denuclearization",
        "denuclearisation",
        "korean peninsula",
        "pyongyang",
        "北朝鮮",
        "非核化",
    ),
    "abductions": ("abduction", "abductions", "abductees", "拉致"),
    "economic_order": (
        "tpp",
        "cptpp",
        "ipef",
        "indo-pacific economic framework",
        "economic order",
        "economic security",
        "economic coercion",
        "supply chain",
        "supply chains",
        "trade",
        "semiconductors",
        "経済秩序",
        "経済安全保障",
    ),
    "consultation": (
        "2+2",
        "security consultative committee",
        "economic policy consultative committee",
        "consultative committee",
        "exchange views periodically",
        "exchange their views periodically",
        "periodically",
        "regular consultations",
        "follow-up",
        "follow up",
        "協議委員会",
    ),
}

# Strength -> the phrases that make a sentence that binding. Longer phrases win over shorter ones
# at the same place, and the strongest level found in a sentence wins (joint > request >
# acknowledgement > none). "none" phrases mark sentences that are shown to staff unticked.
STRENGTH_PHRASES = {
    "joint": (
        "confirmed their commitment",
        "confirmed their intention",
        "confirmed their determination",
        "confirmed the importance",
        "confirmed that they will",
        "confirmed that they would",
        "confirmed to",
        "reconfirmed",
        "reaffirmed",
        "reaffirm",
        "reiterated their commitment",
        "concurred",
        "agreed",
        "resolved",
        "committed",
        "pledged",
        "decided",
        "vowed",
        "affirmed",
        "renewed their commitment",
        "renewed the two countries’ unwavering commitment",
        "underscored their resolve",
        "reiterated their resolve",
        "planned to",
        "plan to",
        "intend to",
        "directed their staffs",
        "directed their staff",
        "directed their departments",
        "instructed their staffs",
        "instructed their departments",
        "tasked their staffs",
        "一致した",
        "一致しました",
        "一致し",
        "確認した",
        "確認しました",
        "確認し",
        "合意した",
        "合意しました",
        "申し合わせた",
        "申し合わせました",
    ),
    "request": (
        "urged",
        "asked for",
        "asked",
        "requested",
        "called for",
        "called on",
        "called upon",
        "pressed",
        "sought",
        "求めた",
        "求めました",
        "要請した",
        "要請しました",
        "要請し",
    ),
    "acknowledgement": (
        "welcomed",
        "expressed support",
        "expressed his support",
        "expressed her support",
        "expressed their support",
        "expressing support",
        "expressed strong support",
        "shared the recognition",
        "shared the view",
        "shared serious concerns",
        "shared concerns",
        "shared concern",
        "confirmed",
        "reiterated",
        "encouraged",
        "appreciated",
        "expressed appreciation",
        "gained support",
        "condemned",
        "歓迎した",
        "歓迎しました",
        "歓迎し",
        "支持を表明",
        "非難した",
        "非難しました",
        "認識を共有",
    ),
    "none": (
        "exchanged views",
        "exchanged their views",
        "exchanged opinions",
        "exchange of views",
        "discussed",
        "condolences",
        "briefed",
        "explained",
        "意見交換",
        "弔意",
        "述べた",
        "述べました",
        "議論した",
        "議論しました",
        "説明した",
        "説明しました",
    ),
}
# Verbs whose object is the party asked ("urged North Korea to ..."), not the action itself.
OBJECT_VERBS = ("urged", "called on", "called upon", "asked", "requested", "encouraged", "pressed")
# Words a shortened commitment title must not end on.
TRAILING_WORDS = (
    "and", "or", "to", "of", "the", "a", "an", "in", "on", "for", "with", "by", "at", "as",
)  # fmt: skip

# Month names (case matters in the text: "May" is a month, "may" is not) and abbreviations.
MONTHS = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
}
MONTH_ABBREVIATIONS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8}
MONTH_ABBREVIATIONS |= {"sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12}
# Numbers written out in durations ("for forty-five minutes").
NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "forty-five": 45,
    "fifty": 50,
}

# Abbreviations whose full stop never ends a sentence.
NEVER_SENTENCE_END = (
    "mr.", "mrs.", "ms.", "dr.", "prof.", "h.e.", "st.", "no.", "nos.", "gen.", "lt.", "col.",
    "sen.", "rep.", "gov.", "amb.", "hon.", "e.g.", "i.e.", "vs.", "approx.", "adm.", "fig.",
    "jan.", "feb.", "mar.", "apr.", "jun.", "jul.", "aug.", "sep.", "sept.", "oct.", "nov.", "dec.",
)  # fmt: skip
# Abbreviations that end a sentence only when one of SENTENCE_STARTERS follows.
SOMETIMES_SENTENCE_END = ("u.s.", "u.k.", "a.m.", "p.m.", "d.c.", "jr.", "u.n.", "etc.")
# Words that begin a new sentence after such an abbreviation (case matters).
SENTENCE_STARTERS = (
    "The", "They", "He", "She", "It", "In", "At", "On", "Both", "This", "These", "Furthermore",
    "Moreover", "Additionally", "Also", "We", "Following", "Regarding", "As", "Then", "Each",
    "There", "Based", "Further", "Meanwhile", "Finally", "Lastly",
)  # fmt: skip

# Titles that come before a name ("Foreign Minister HAYASHI"), longest first where they overlap.
TITLES = (
    "Deputy Secretary of State",
    "Secretary of State",
    "Secretary of Defense",
    "Minister of State for Foreign Affairs",
    "Minister for Foreign Affairs",
    "Minister of Foreign Affairs",
    "Foreign Minister",
    "Defense Minister",
    "Minister of Defense",
    "Chief Cabinet Secretary",
    "National Security Advisor",
    "Prime Minister",
    "Vice President",
    "President",
    "Chancellor",
    "Ambassador",
    "Secretary",
    "Minister",
)
# Titles held only in one country.
TITLE_COUNTRY = {
    "Secretary of State": "US",
    "Deputy Secretary of State": "US",
    "Secretary of Defense": "US",
    "Vice President": "US",
    "Chief Cabinet Secretary": "JP",
}
# Words before a title that say the person's country ("U.S. Secretary ..."); case matters.
NATIONALITY_WORDS = {
    "Japanese": "JP",
    "Japan’s": "JP",
    "U.S.": "US",
    "American": "US",
    "ROK": "KR",
    "South Korean": "KR",
    "Korean": "KR",
    "Australian": "AU",
    "Indian": "IN",
    "British": "GB",
    "U.K.": "GB",
    "UK": "GB",
    "Chinese": "CN",
    "Ukrainian": "UA",
}
# Capitalised words that end a name ("Secretary Blinken Held ..."); case matters.
NAME_STOP_WORDS = (
    "of", "the", "and", "with", "Meeting", "Call", "Talk", "Talks", "Telephone", "Video", "Summit",
    "Held", "Met", "Spoke", "Today", "On", "In", "At", "Japan", "Japanese", "United", "States",
    "Republic", "Readout", "Visit", "Foreign", "Minister", "Ministers", "Secretary", "President",
    "Prime", "Affairs", "State", "Defense", "The", "During", "This", "And", "With", "To", "For",
    "Conference", "SecBlinken", "SecDef", "SecState", "POTUS",
)  # fmt: skip
# Family names of people who appear in these readouts often enough that a readout may give only
# the family name ("President Biden"), with their country. Anyone else gets it from the text.
KNOWN_PEOPLE = {
    "biden": "US",
    "blinken": "US",
    "austin": "US",
    "sullivan": "US",
    "harris": "US",
    "trump": "US",
    "rubio": "US",
    "hegseth": "US",
    "vance": "US",
    "emanuel": "US",
    "campbell": "US",
    "yellen": "US",
    "raimondo": "US",
    "kishida": "JP",
    "hayashi": "JP",
    "kamikawa": "JP",
    "motegi": "JP",
    "ishiba": "JP",
    "iwaya": "JP",
    "suga": "JP",
    "abe": "JP",
    "hamada": "JP",
    "kihara": "JP",
    "nakatani": "JP",
    "kishi": "JP",
    "maehara": "JP",
    "kan": "JP",
    "clinton": "US",
    "kono": "JP",
    "mori": "JP",
    "funakoshi": "JP",
    "takaichi": "JP",
    "yoon": "KR",
    "park": "KR",
    "cho": "KR",
    "zelenskyy": "UA",
    "albanese": "AU",
    "wong": "AU",
    "jaishankar": "IN",
    "modi": "IN",
}
# Common Japanese family names in Latin letters. A Japanese name written without capitals
# ("Mr. Keiichi Ono", "Mr. Miyamoto Shingo") has its family name found here, whichever order it
# is written in.
JAPANESE_FAMILY_NAMES_LATIN = """
    abe aoki arima akiba ando arai ishii ishikawa ito iwaya kaneko kato kimura kishida kobayashi
    kondo kono matsuda matsumoto miyamoto mori motegi murakami nakamura nakano nakajima nishimura
    oka okada ono ota saito sakamoto sasaki sato shimizu suga suzuki takahashi tanaka watanabe
    yamada yamaguchi yamamoto yamato yamazaki yoshida hayashi kamikawa kanai funakoshi akiba
    hamada kihara nakatani ishiba takaichi maehara matsuno yanase tabata asakawa sasae
""".split()  # noqa: SIM905 - a word list reads better as prose
# Countries whose people are written family name first.
FAMILY_NAME_FIRST = ("JP", "KR", "KP", "CN", "TW")

# Japanese country words, longest first, with the codes they stand for.
JAPANESE_COUNTRIES = (
    ("日米韓", ("JP", "US", "KR")),
    ("日米", ("JP", "US")),
    ("日韓", ("JP", "KR")),
    ("日本", ("JP",)),
    ("米国", ("US",)),
    ("アメリカ", ("US",)),
    ("北朝鮮", ("KP",)),
    ("韓国", ("KR",)),
    ("中国", ("CN",)),
    ("ロシア", ("RU",)),
    ("ウクライナ", ("UA",)),
)

JAPAN_ZONE = "Asia/Tokyo"
# Place (any part of its name) -> the IANA time zone of meetings held there; the first match wins.
PLACE_ZONES = (
    ("washington", "America/New_York"),
    ("d.c.", "America/New_York"),
    ("white house", "America/New_York"),
    ("new york", "America/New_York"),
    ("san francisco", "America/Los_Angeles"),
    ("los angeles", "America/Los_Angeles"),
    ("honolulu", "Pacific/Honolulu"),
    ("hawaii", "Pacific/Honolulu"),
    ("london", "Europe/London"),
    ("phnom penh", "Asia/Phnom_Penh"),
    ("jakarta", "Asia/Jakarta"),
    ("munich", "Europe/Berlin"),
    ("münster", "Europe/Berlin"),
    ("munster", "Europe/Berlin"),
    ("berlin", "Europe/Berlin"),
    ("capri", "Europe/Rome"),
    ("rome", "Europe/Rome"),
    ("paris", "Europe/Paris"),
    ("brussels", "Europe/Brussels"),
    ("seoul", "Asia/Seoul"),
    ("busan", "Asia/Seoul"),
    ("beijing", "Asia/Shanghai"),
    ("bangkok", "Asia/Bangkok"),
    ("singapore", "Asia/Singapore"),
    ("manila", "Asia/Manila"),
    ("new delhi", "Asia/Kolkata"),
    ("canberra", "Australia/Sydney"),
    ("sydney", "Australia/Sydney"),
    ("vientiane", "Asia/Vientiane"),
    ("kuala lumpur", "Asia/Kuala_Lumpur"),
    ("kyiv", "Europe/Kyiv"),
    ("lima", "America/Lima"),
    ("delaware", "America/New_York"),
    ("wilmington", "America/New_York"),
    ("camp david", "America/New_York"),
    ("ワシントン", "America/New_York"),
    ("ニューヨーク", "America/New_York"),
    ("デラウェア", "America/New_York"),
    ("サンフランシスコ", "America/Los_Angeles"),
    ("ハワイ", "Pacific/Honolulu"),
    ("ロンドン", "Europe/London"),
    ("英国", "Europe/London"),
    ("ベルギー", "Europe/Brussels"),
    ("ブリュッセル", "Europe/Brussels"),
    ("ドイツ", "Europe/Berlin"),
    ("ミュンヘン", "Europe/Berlin"),
    ("イタリア", "Europe/Rome"),
    ("フランス", "Europe/Paris"),
    ("パリ", "Europe/Paris"),
    ("マニラ", "Asia/Manila"),
    ("フィリピン", "Asia/Manila"),
    ("ペルー", "America/Lima"),
    ("リマ", "America/Lima"),
    ("ソウル", "Asia/Seoul"),
    ("韓国", "Asia/Seoul"),
    ("ジャカルタ", "Asia/Jakarta"),
    ("インドネシア", "Asia/Jakarta"),
    ("ラオス", "Asia/Vientiane"),
    ("ビエンチャン", "Asia/Vientiane"),
    ("カンボジア", "Asia/Phnom_Penh"),
    ("プノンペン", "Asia/Phnom_Penh"),
    ("タイ", "Asia/Bangkok"),
    ("バンコク", "Asia/Bangkok"),
    ("シンガポール", "Asia/Singapore"),
    ("インド", "Asia/Kolkata"),
    ("豪州", "Australia/Sydney"),
    ("シドニー", "Australia/Sydney"),
    ("東京", "Asia/Tokyo"),
    ("日本", "Asia/Tokyo"),
    ("tokyo", "Asia/Tokyo"),
    ("hiroshima", "Asia/Tokyo"),
    ("karuizawa", "Asia/Tokyo"),
    ("osaka", "Asia/Tokyo"),
    ("kyoto", "Asia/Tokyo"),
    ("okinawa", "Asia/Tokyo"),
    ("iikura", "Asia/Tokyo"),
    ("kantei", "Asia/Tokyo"),
    ("japan", "Asia/Tokyo"),
)
# UTC offset in minutes -> zones tried in order when the place gives no zone.
OFFSET_ZONES = {
    -240: ("America/New_York",),
    -300: ("America/New_York", "America/Chicago"),
    -360: ("America/Chicago", "America/Denver"),
    -420: ("America/Los_Angeles", "America/Denver"),
    -480: ("America/Los_Angeles",),
    -600: ("Pacific/Honolulu",),
    0: ("Europe/London",),
    60: ("Europe/Berlin", "Europe/London"),
    120: ("Europe/Berlin", "Europe/Kyiv"),
    180: ("Europe/Kyiv", "Europe/Moscow"),
    330: ("Asia/Kolkata",),
    420: ("Asia/Bangkok",),
    480: ("Asia/Singapore",),
    540: ("Asia/Tokyo",),
    600: ("Australia/Sydney",),
    660: ("Australia/Sydney",),
}
# Time zone labels after a time ("10:00 a.m. EST") -> (zone, UTC offset in minutes, or None when
# the label covers both summer and winter time). Case matters.
ZONE_ABBREVIATIONS = {
    "EST": ("America/New_York", -300),
    "EDT": ("America/New_York", -240),
    "ET": ("America/New_York", None),
    "CST": ("America/Chicago", -360),
    "CDT": ("America/Chicago", -300),
    "MST": ("America/Denver", -420),
    "MDT": ("America/Denver", -360),
    "PST": ("America/Los_Angeles", -480),
    "PDT": ("America/Los_Angeles", -420),
    "PT": ("America/Los_Angeles", None),
    "GMT": ("Europe/London", 0),
    "BST": ("Europe/London", 60),
    "UTC": ("UTC", 0),
    "CET": ("Europe/Berlin", 60),
    "CEST": ("Europe/Berlin", 120),
    "KST": ("Asia/Seoul", 540),
    "ICT": ("Asia/Bangkok", 420),
    "WIB": ("Asia/Jakarta", 420),
    "SGT": ("Asia/Singapore", 480),
    "AEST": ("Australia/Sydney", 600),
    "AEDT": ("Australia/Sydney", 660),
}
# U.S. states written after a city ("Wilmington, Delaware"); case matters.
US_STATES = (
    "Alaska", "California", "Delaware", "Florida", "Georgia", "Hawaii", "Illinois", "Maryland",
    "Massachusetts", "Michigan", "New Mexico", "New York", "Texas", "Virginia",
)  # fmt: skip
# Capitalised words after "in" or "at" that are not a place ("in Response to"); case matters.
NOT_PLACES = (
    "Japan time", "Local time", "Tokyo time", "The", "This", "That", "Response", "Addition",
    "Particular", "Order",
)  # fmt: skip
# Words that make a name after "at" a venue ("at the Iikura Guest House"); case matters.
VENUE_WORDS = (
    "Ministry", "Guest House", "Palace", "White House", "Department", "Office", "Kantei", "Hotel",
    "Hall", "Embassy", "Residence",
)  # fmt: skip

# Capitalised words that do not start the name of another meeting ("the", "Recent"); case matters.
MENTION_STOP_WORDS = (
    "The", "A", "An", "At", "In", "On", "This", "That", "These", "Both", "During", "After",
    "Following", "Regarding", "Based", "As", "With", "For", "To", "From", "And", "Of", "Recent",
    "recent", "the",
)  # fmt: skip
# Words every readout repeats, left out when a sentence is matched to the commitment it restates
# (lower case).
MATCHING_STOP_WORDS = """
    a about above across after again against all also among an and any are as at be been being
    both but by can continue continued could did do does during each either for from further had
    has have he her his how i if in including into is it its itself more most must no nor not of
    on once only or other our out over own same she should so some such than that the their them
    then there these they this those through to too toward towards under until up upon very was
    we were what when where which while who whom why will with would you
    two ministers minister leaders leader secretary president prime foreign sides side countries
    country japan japanese united states america american u.s us government governments meeting
    meetings close closely work working together between well important importance commitment
    commitments intention determination regarding view various levels level
""".split()  # noqa: SIM905 - a word list reads better as prose

# --- Japanese readouts -------------------------------------------------------------------------

# Japanese eras: name -> the Western year of its first year (令和元年 = 2019).
JAPANESE_ERAS = {"令和": 2019, "平成": 1989, "昭和": 1926}
# Titles that follow a name in Japanese ("林芳正外務大臣"), longest first where they overlap, with
# the English title stored for them.
JAPANESE_TITLES = (
    ("内閣総理大臣", "Prime Minister"),
    ("総理大臣", "Prime Minister"),
    ("外務副大臣", "State Minister for Foreign Affairs"),
    ("外務事務次官", "Vice-Minister for Foreign Affairs"),
    ("外務大臣", "Minister for Foreign Affairs"),
    ("防衛大臣", "Minister of Defense"),
    ("官房長官", "Chief Cabinet Secretary"),
    ("副大統領", "Vice President"),
    ("大統領", "President"),
    ("国務副長官", "Deputy Secretary of State"),
    ("国務長官", "Secretary of State"),
    ("国防長官", "Secretary of Defense"),
    ("首相", "Prime Minister"),
    ("国防相", "Minister of Defense"),
    ("国家安全保障担当大統領補佐官", "National Security Advisor"),
)
# Country words written between a foreign name and its title ("ブリンケン米国国務長官").
JAPANESE_TITLE_COUNTRIES = {"米国": "US", "米": "US", "韓国": "KR", "豪州": "AU", "英国": "GB"}
# Japanese family names of people often in these readouts, so that "林芳正" splits into 林 芳正.
# Anyone else is split after the first two characters.
JAPANESE_FAMILY_NAMES = (
    "林", "岸田", "河野", "茂木", "上川", "岩屋", "石破", "安倍", "菅", "浜田", "木原", "中谷",
    "岸", "森", "船越", "秋葉", "高市", "小泉", "鈴木", "松野", "赤沢", "宮沢",
)  # fmt: skip
# What a Japanese readout's title line ends with; other header lines (photo captions) are not
# titles.
JAPANESE_TITLE_ENDINGS = ("会談", "会議", "会合", "協議", "対話", "立ち話", "懇談", "夕食会")
# The title made up for a Japanese readout without a title line, by meeting kind.
JAPANESE_KIND_TITLES = {
    "summit": "首脳会談",
    "foreign_ministers": "外相会談",
    "telephone": "電話会談",
    "security_2plus2": "安全保障協議委員会(「2+2」)",
    "economic_2plus2": "経済政策協議委員会(経済版「2+2」)",
}
# Country prefixes of such a made-up title ("日米"), by the countries of the meeting.
JAPANESE_PAIR_PREFIXES = {("JP", "US"): "日米", ("JP", "KR"): "日韓", ("JP", "US", "KR"): "日米韓"}
