"""Demo meetings built from the reference list of follow-up meetings.

Plain data only, no Django imports. The seed is the Japan-U.S. Foreign Ministers' Meeting of
29 July 2022 (its readout text is loaded elsewhere); the other meetings are the context meetings
just before it, the same-day Economic "2+2", and the real meetings and milestones of 2022-2024
(plus one in January 2025) at which its commitments C1..C11 came up again. The facts come from
/work/shared/reference/follow-up-meetings.md (the seed's source URL and the EDD co-chairs' full
titles were checked against the published releases); details marked there as unverified or
inferred are restated in the meeting's ``notes``.

Conventions: ``start`` is local time at the place ("YYYY-MM-DD HH:MM") in ``time_zone``; when the
sources give only the date, ``start_time_known`` is False and the time is a 09:00 placeholder.
"""

# (code, English name, Japanese name, is_group)
COUNTRIES = [
    ("JP", "Japan", "日本", False),
    ("US", "United States", "米国", False),
    ("KR", "Republic of Korea", "韓国", False),
    ("G7", "G7", "G7", True),
    ("DE", "Germany", "ドイツ", False),
    ("IT", "Italy", "イタリア", False),
    ("GB", "United Kingdom", "英国", False),
    ("UA", "Ukraine", "ウクライナ", False),
    ("KH", "Cambodia", "カンボジア", False),
    ("ID", "Indonesia", "インドネシア", False),
    ("CN", "China", "中国", False),
]

# (code, English name, Japanese name)
THEMES = [
    ("security", "Security and defence", "安全保障・防衛"),
    ("extended_deterrence", "Extended deterrence", "拡大抑止"),
    ("realignment", "Force realignment (Okinawa)", "在日米軍再編（沖縄）"),
    ("russia_ukraine", "Russia / Ukraine", "ロシア・ウクライナ"),
    ("indo_pacific", "Indo-Pacific", "インド太平洋"),
    ("china_taiwan", "China / Taiwan", "中国・台湾"),
    ("north_korea", "North Korea", "北朝鮮"),
    ("abductions", "Abductions issue", "拉致問題"),
    ("economic_order", "Economic order (TPP / IPEF)", "経済秩序（TPP・IPEF）"),
    ("consultation", "Consultation mechanisms", "協議メカニズム"),
]

# (name, kind code)
SERIES = [
    ("Japan-U.S. Security Consultative Committee", "security_2plus2"),
    ("Japan-U.S. Economic Policy Consultative Committee", "economic_2plus2"),
    (
        "Japan-U.S. Economic Policy Consultative Committee Vice-Ministerial Meeting",
        "economic_2plus2",
    ),
    ("Japan-U.S. Extended Deterrence Dialogue", "dialogue"),
    ("Japan-U.S. Ministerial Meeting on Extended Deterrence", "dialogue"),
    ("Japan-U.S. Summit", "summit"),
    ("Japan-U.S. Foreign Ministers' Meeting", "foreign_ministers"),
    ("Japan-U.S.-ROK Foreign Ministers' Meeting", "trilateral"),
    ("Japan-U.S.-ROK Summit", "trilateral"),
    ("G7 Foreign Ministers' Meeting", "multilateral"),
    ("G7 Summit", "multilateral"),
    ("IPEF Ministerial", "multilateral"),
]

# key -> (family name, given name, country code, family name first?)
PEOPLE = {
    # Japan: leaders and ministers
    "kishida": ("Kishida", "Fumio", "JP", True),
    "hayashi": ("Hayashi", "Yoshimasa", "JP", True),
    "kamikawa": ("Kamikawa", "Yoko", "JP", True),
    "iwaya": ("Iwaya", "Takeshi", "JP", True),
    "hagiuda": ("Hagiuda", "Koichi", "JP", True),
    "nishimura": ("Nishimura", "Yasutoshi", "JP", True),
    "hamada": ("Hamada", "Yasukazu", "JP", True),
    "kihara": ("Kihara", "Minoru", "JP", True),
    "yamada_kenji": ("Yamada", "Kenji", "JP", True),
    # Japan: officials
    "hirose": ("Hirose", "Naoshi", "JP", True),
    "suzuki_hiroshi": ("Suzuki", "Hiroshi", "JP", True),
    "ono_keiichi": ("Ono", "Keiichi", "JP", True),
    "hosaka": ("Hosaka", "Shin", "JP", True),
    "akahori": ("Akahori", "Takeshi", "JP", True),
    "matsuo": ("Matsuo", "Takehiko", "JP", True),
    "kanai": ("Kanai", "Masaaki", "JP", True),
    "yamato": ("Yamato", "Taro", "JP", True),
    "miyamoto": ("Miyamoto", "Shingo", "JP", True),
    "ando": ("Ando", "Atsushi", "JP", True),
    "kumagai": ("Kumagai", "Naoki", "JP", True),
    "ueda": ("Ueda", "Koji", "JP", True),
    # United States
    "biden": ("Biden", "Joseph R., Jr.", "US", False),
    "blinken": ("Blinken", "Antony", "US", False),
    "austin": ("Austin", "Lloyd", "US", False),
    "raimondo": ("Raimondo", "Gina", "US", False),
    "tai": ("Tai", "Katherine", "US", False),
    "fernandez": ("Fernandez", "Jose W.", "US", False),
    "lago": ("Lago", "Marisa", "US", False),
    "bell": ("Bell", "Alexandra", "US", False),
    "johnson": ("Johnson", "Richard", "US", False),
    # Others
    "park_jin": ("Park", "Jin", "KR", True),
    "yoon": ("Yoon", "Suk Yeol", "KR", True),
    "baerbock": ("Baerbock", "Annalena", "DE", False),
    "kuleba": ("Kuleba", "Dmytro", "UA", False),
}

# Titles used more than once (as held at the time of each meeting).
_PM_JP = "Prime Minister of Japan"
_FM_JP = "Minister for Foreign Affairs of Japan"
_METI_JP = "Minister of Economy, Trade and Industry of Japan"
_MOD_JP = "Minister of Defense of Japan"
_PRES_US = "President of the United States of America"
_SECSTATE = "Secretary of State of the United States of America"
_SECDEF = "Secretary of Defense of the United States of America"
_SECCOM = "Secretary of Commerce of the United States of America"
_FM_KR = "Minister of Foreign Affairs of the Republic of Korea"
_PRES_KR = "President of the Republic of Korea"
_FM_UA = "Minister for Foreign Affairs of Ukraine"
_USTR = "United States Trade Representative"
_SDM_MOFA = "Senior Deputy Minister for Foreign Affairs, Ministry of Foreign Affairs of Japan"
_VMIA_METI = "Vice-Minister for International Affairs, Ministry of Economy, Trade and Industry"
_US_ECON = "Under Secretary of State for Economic Growth, Energy and the Environment"
_US_COM_IT = "Under Secretary of Commerce for International Trade"
_DDG_NAAB = "Deputy Director-General, North American Affairs Bureau, Ministry of Foreign Affairs"
_DDG_DPB = "Deputy Director-General, Defense Policy Bureau, Ministry of Defense"
_DAS_AVC = (
    "Deputy Assistant Secretary, Bureau of Arms Control, Verification and Compliance, "
    "Department of State"
)
_DAS_ACDS = (
    "Deputy Assistant Secretary, Bureau of Arms Control, Deterrence, and Stability, "
    "Department of State"
)
_DASD_NCB = (
    "Deputy Assistant Secretary of Defense for Nuclear and Countering Weapons of Mass "
    "Destruction Policy, Office of the Secretary of Defense"
)

MEETINGS = [
    # Context: events just before the seed ------------------------------------------------------
    {
        "key": "2022-05-06-epcc-vice-ministerial",
        "title": 'Japan-U.S. Economic Policy Consultative Committee (Economic "2+2") '
        "Vice-Ministerial Meeting",
        "kind": "economic_2plus2",
        "series": "Japan-U.S. Economic Policy Consultative Committee Vice-Ministerial Meeting",
        "start": "2022-05-06 09:00",
        "time_zone": "America/New_York",
        "start_time_known": False,
        "duration_minutes": None,
        "end_date": None,
        "place": "Washington, D.C.",
        "format": "in_person",
        "summary": "Vice-ministers of MOFA, METI, the State Department and the Commerce "
        'Department met for the Economic "2+2"; both sides agreed to hold a ministerial '
        "meeting soon.",
        "source_url": "https://theenergia.com/meti-japan-u-s-economic-policy-consultative-"
        "committee-economic-22-vice-ministerial-meeting-held/",
        "notes": "Start time not given in the sources; 09:00 is a placeholder. The source is "
        "a repost of a METI release.",
        "participants": [
            ("hirose", _VMIA_METI, "JP"),
            ("suzuki_hiroshi", _SDM_MOFA, "JP"),
            ("fernandez", _US_ECON, "US"),
            ("lago", _US_COM_IT, "US"),
        ],
        "follow_ups": [],
    },
    {
        "key": "2022-05-23-summit",
        "title": "Japan-U.S. Summit Meeting",
        "kind": "summit",
        "series": "Japan-U.S. Summit",
        "start": "2022-05-23 11:00",
        "time_zone": "Asia/Tokyo",
        "start_time_known": True,
        "duration_minutes": 135,
        "end_date": None,
        "place": "Tokyo",
        "format": "in_person",
        "summary": "Prime Minister Kishida and President Biden met in three sessions during "
        'President Biden\'s visit to Japan; this is the "May visit" whose outcomes the seed '
        "meeting undertook to follow up.",
        "source_url": "https://japan.kantei.go.jp/101_kishida/diplomatic/202205/_00020.html",
        "notes": "",
        "participants": [
            ("kishida", _PM_JP, "JP"),
            ("biden", _PRES_US, "US"),
        ],
        "follow_ups": [],
    },
    {
        "key": "2022-05-23-foreign-ministers",
        "title": "Japan-U.S. Foreign Ministers' Meeting",
        "kind": "foreign_ministers",
        "series": "Japan-U.S. Foreign Ministers' Meeting",
        "start": "2022-05-23 17:50",
        "time_zone": "Asia/Tokyo",
        "start_time_known": True,
        "duration_minutes": 40,
        "end_date": None,
        "place": "Tokyo",
        "format": "in_person",
        "summary": "Foreign Minister Hayashi and Secretary Blinken met during President "
        "Biden's visit; the State Department readout says they planned to hold an Economic "
        'Policy Consultative Committee meeting "this summer".',
        "source_url": "https://www.mofa.go.jp/press/release/press4e_003128.html",
        "notes": "",
        "participants": [
            ("hayashi", _FM_JP, "JP"),
            ("blinken", _SECSTATE, "US"),
        ],
        "follow_ups": [],
    },
    {
        "key": "2022-06-21-edd",
        "title": "Japan-U.S. Extended Deterrence Dialogue",
        "kind": "dialogue",
        "series": "Japan-U.S. Extended Deterrence Dialogue",
        "start": "2022-06-21 09:00",
        "time_zone": "America/New_York",
        "start_time_known": False,
        "duration_minutes": None,
        "end_date": "2022-06-22",
        "place": "Kings Bay Naval Base, Georgia",
        "format": "in_person",
        "summary": "Round of the bilateral Extended Deterrence Dialogue co-chaired by MOFA, "
        "MOD, State and OSD officials at Kings Bay Naval Base.",
        "source_url": "https://foreignpolicywatchdog.com/united-states/"
        "japan-u-s-extended-deterrence-dialogue?amp=1",
        "notes": 'Inferred from the timing: this is almost certainly the "recent" EDD that '
        "the seed meeting welcomed. Start time not given; 09:00 is a placeholder.",
        "participants": [
            ("kanai", _DDG_NAAB, "JP"),
            ("yamato", _DDG_DPB, "JP"),
            ("bell", _DAS_AVC, "US"),
            ("johnson", _DASD_NCB, "US"),
        ],
        "follow_ups": [],
    },
    {
        "key": "2022-07-08-trilateral-bali",
        "title": "Japan-U.S.-ROK Foreign Ministers' Meeting",
        "kind": "trilateral",
        "series": "Japan-U.S.-ROK Foreign Ministers' Meeting",
        "start": "2022-07-08 09:00",
        "time_zone": "Asia/Makassar",
        "start_time_known": False,
        "duration_minutes": None,
        "end_date": None,
        "place": "Bali, Indonesia (G20 Foreign Ministers' Meeting)",
        "format": "in_person",
        "summary": "Secretary Blinken, Foreign Minister Hayashi and ROK Foreign Minister Park "
        "Jin met on the margins of the G20 foreign ministers' meeting; the U.S. repeated its "
        "commitment to the immediate resolution of the abductions issue, and Blinken and Park "
        "offered condolences on former Prime Minister Abe.",
        "source_url": "https://www.stl.news/secretary-blinkens-meeting-with-japanese-foreign-"
        "minister-2/530426/",
        "notes": 'Inferred, unverified: the date 2022-07-08; the readout says only "today". '
        "Start time not given; 09:00 is a placeholder.",
        "participants": [
            ("blinken", _SECSTATE, "US"),
            ("hayashi", _FM_JP, "JP"),
            ("park_jin", _FM_KR, "KR"),
        ],
        "follow_ups": [],
    },
    # Same day as the seed ----------------------------------------------------------------------
    {
        "key": "2022-07-29-epcc",
        "title": 'Japan-U.S. Economic Policy Consultative Committee (Economic "2+2")',
        "kind": "economic_2plus2",
        "series": "Japan-U.S. Economic Policy Consultative Committee",
        "start": "2022-07-29 09:00",
        "time_zone": "America/New_York",
        "start_time_known": True,
        "duration_minutes": None,
        "end_date": None,
        "place": "Department of State, Washington, D.C.",
        "format": "in_person",
        "summary": 'First ministerial meeting of the Economic "2+2", co-hosted by Secretaries '
        "Blinken and Raimondo with Ministers Hayashi and Hagiuda; a joint statement on "
        "economic security and the rules-based order was issued.",
        "source_url": "https://www.state.gov/joint-statement-of-the-u-s-japan-economic-policy-"
        "consultative-committee-strengthening-economic-security-and-the-rules-based-order/",
        "notes": "The start is the 9:00 a.m. ET set for opening remarks in the media note; a "
        "press availability was set for 11:45 a.m. ET, so the meeting ran before the 1:43 p.m. "
        "bilateral meeting (the seed). Duration not given.",
        "participants": [
            ("blinken", _SECSTATE, "US"),
            ("raimondo", _SECCOM, "US"),
            ("hayashi", _FM_JP, "JP"),
            ("hagiuda", _METI_JP, "JP"),
        ],
        "follow_ups": [
            (
                "C1",
                "advanced",
                'The first Economic "2+2" ministerial was held on the morning of the seed '
                "day, before the bilateral meeting.",
            ),
            (
                "C10",
                "reaffirmed",
                "The joint statement was on economic security and the rules-based order.",
            ),
            (
                "C11",
                "advanced",
                'The Economic "2+2" met at ministerial level for the first time, with a '
                "joint statement.",
            ),
        ],
    },
    {
        "key": "seed",
        "title": "Japan-U.S. Foreign Ministers’ Meeting",
        "kind": "foreign_ministers",
        "series": "Japan-U.S. Foreign Ministers' Meeting",
        "start": "2022-07-29 13:43",
        "time_zone": "America/New_York",
        "start_time_known": True,
        "duration_minutes": 55,
        "end_date": None,
        "place": "Washington D.C.",
        "format": "in_person",
        "summary": "Foreign Minister Hayashi and Secretary Blinken agreed to follow up President "
        "Biden's May visit, strengthen the Alliance's deterrence (including extended "
        "deterrence) and implement the realignment of U.S. forces in Japan. They also "
        "coordinated on Russia/Ukraine, the Indo-Pacific, China and Taiwan, North Korea, the "
        'abductions issue and TPP/IPEF, with follow-up at the "2+2" and the Economic "2+2".',
        "source_url": "https://www.mofa.go.jp/na/na1/us/page4e_001274.html",
        "notes": "",
        "participants": [
            ("hayashi", _FM_JP, "JP"),
            ("blinken", _SECSTATE, "US"),
        ],
        "follow_ups": [],
    },
    # Follow-up meetings, 2022 ------------------------------------------------------------------
    {
        "key": "2022-09-06-telephone-hayashi-raimondo",
        "title": "Telephone Talk between Foreign Minister Hayashi and Secretary of Commerce "
        "Raimondo",
        "kind": "telephone",
        "series": None,
        "start": "2022-09-06 20:30",
        "time_zone": "Asia/Tokyo",
        "start_time_known": True,
        "duration_minutes": 20,
        "end_date": None,
        "place": "Telephone (Tokyo)",
        "format": "telephone",
        "summary": 'The two welcomed the July Economic "2+2" and, as part of following it up, '
        "discussed IPEF ahead of the Los Angeles ministerial.",
        "source_url": "https://www.mofa.go.jp/press/release/press4e_003157.html",
        "notes": "Tokyo time is implied by the source, not stated.",
        "participants": [
            ("hayashi", _FM_JP, "JP"),
            ("raimondo", _SECCOM, "US"),
        ],
        "follow_ups": [
            ("C10", "reaffirmed", "They discussed IPEF ahead of the Los Angeles ministerial."),
            (
                "C11",
                "progress_reported",
                'They welcomed the July Economic "2+2" and discussed following it up.',
            ),
        ],
    },
    {
        "key": "2022-09-08-ipef-los-angeles",
        "title": "IPEF Ministerial Meeting",
        "kind": "multilateral",
        "series": "IPEF Ministerial",
        "start": "2022-09-08 09:00",
        "time_zone": "America/Los_Angeles",
        "start_time_known": False,
        "duration_minutes": None,
        "end_date": "2022-09-09",
        "place": "Los Angeles",
        "format": "in_person",
        "summary": "IPEF ministerial co-hosted by USTR Tai and Secretary "
        "Raimondo; all 14 partners decided to start formal negotiations.",
        "source_url": "http://40.74.122.252/index.cgi/contrast/"
        "https://www.meti.go.jp/english/press/2022/0913_004.html",
        "notes": "Start time not given; 09:00 is a placeholder. The first source is a mirror "
        "of a METI release.",
        "participants": [
            ("tai", _USTR, "US"),
            ("raimondo", _SECCOM, "US"),
            ("nishimura", _METI_JP, "JP"),
            ("yamada_kenji", "State Minister for Foreign Affairs of Japan", "JP"),
        ],
        "follow_ups": [
            ("C10", "advanced", "All 14 IPEF partners decided to start formal negotiations."),
        ],
    },
    {
        "key": "2022-09-22-trilateral-new-york",
        "title": "Japan-U.S.-ROK Foreign Ministers' Meeting",
        "kind": "trilateral",
        "series": "Japan-U.S.-ROK Foreign Ministers' Meeting",
        "start": "2022-09-22 09:00",
        "time_zone": "America/New_York",
        "start_time_known": False,
        "duration_minutes": None,
        "end_date": None,
        "place": "Palace Hotel, New York (UN General Assembly week)",
        "format": "in_person",
        "summary": "Secretary Blinken, Foreign Minister Hayashi and Foreign Minister Park Jin "
        "met during the UN General Assembly week.",
        "source_url": "https://kr.usembassy.gov/092222-secretary-blinken-and-japanese-foreign-"
        "minister-hayashi-and-rok-foreign-minister-park-before-their-meeting/",
        "notes": "Start time not given; 09:00 is a placeholder. Only the remarks before the "
        "meeting were found; no readout.",
        "participants": [
            ("blinken", _SECSTATE, "US"),
            ("hayashi", _FM_JP, "JP"),
            ("park_jin", _FM_KR, "KR"),
        ],
        "follow_ups": [
            ("C8", "reaffirmed", "The three foreign ministers met on trilateral coordination."),
        ],
    },
    {
        "key": "2022-11-03-g7-fmm-muenster",
        "title": "G7 Foreign Ministers' Meeting",
        "kind": "multilateral",
        "series": "G7 Foreign Ministers' Meeting",
        "start": "2022-11-03 09:00",
        "time_zone": "Europe/Berlin",
        "start_time_known": False,
        "duration_minutes": None,
        "end_date": "2022-11-04",
        "place": "Münster, Germany",
        "format": "in_person",
        "summary": "G7 foreign ministers, hosted by German Foreign Minister Baerbock, met "
        "with the war in Ukraine and ties with China on the agenda; Blinken and Hayashi "
        "attended.",
        "source_url": "https://mynorthwest.com/3695375/g7-ministers-meet-with-ukraine-war-"
        "china-ties-on-agenda/",
        "notes": "Unverified: the exact dates; AP gives 3-4 November (more likely), another "
        "source gives 4-5 November. Start time not given; 09:00 is a placeholder.",
        "participants": [
            ("baerbock", "Federal Minister for Foreign Affairs of Germany", "DE"),
            ("blinken", _SECSTATE, "US"),
            ("hayashi", _FM_JP, "JP"),
        ],
        "follow_ups": [
            ("C5", "reaffirmed", "The G7 ministers discussed Russia's war against Ukraine."),
            ("C7", "reaffirmed", "Ties with China were on the G7 ministers' agenda."),
        ],
    },
    {
        "key": "2022-11-13-summit-phnom-penh",
        "title": "Japan-U.S. Summit Meeting",
        "kind": "summit",
        "series": "Japan-U.S. Summit",
        "start": "2022-11-13 14:55",
        "time_zone": "Asia/Phnom_Penh",
        "start_time_known": True,
        "duration_minutes": 40,
        "end_date": None,
        "place": "Phnom Penh, Cambodia (ASEAN-related summits)",
        "format": "in_person",
        "summary": "Prime Minister Kishida and President Biden agreed to strengthen deterrence, "
        "coordinate on China and work on North Korea bilaterally and with the ROK; Kishida "
        "asked for cooperation on the abductions issue and received full support.",
        "source_url": "https://japan.kantei.go.jp/101_kishida/diplomatic/202211/_00010.html",
        "notes": "",
        "participants": [
            ("kishida", _PM_JP, "JP"),
            ("biden", _PRES_US, "US"),
        ],
        "follow_ups": [
            ("C2", "reaffirmed", "The leaders agreed to strengthen the Alliance's deterrence."),
            ("C7", "reaffirmed", "The leaders agreed to coordinate on China."),
            (
                "C8",
                "reaffirmed",
                "The leaders agreed to work on North Korea bilaterally and with the ROK.",
            ),
            (
                "C9",
                "reaffirmed",
                "Kishida asked for cooperation on the abductions issue and got full support.",
            ),
        ],
    },
    {
        "key": "2022-11-13-trilateral-summit-phnom-penh",
        "title": "Japan-U.S.-ROK Summit Meeting",
        "kind": "trilateral",
        "series": "Japan-U.S.-ROK Summit",
        "start": "2022-11-13 16:37",
        "time_zone": "Asia/Phnom_Penh",
        "start_time_known": True,
        "duration_minutes": None,
        "end_date": None,
        "place": "Sokha Hotel, Phnom Penh, Cambodia",
        "format": "in_person",
        "summary": "President Biden, Prime Minister Kishida and President Yoon adopted the "
        '"Phnom Penh Statement on Trilateral Partnership for the Indo-Pacific".',
        "source_url": "https://presidency.ucsb.edu/documents/joint-statement-president-biden-"
        "prime-minister-fumio-kishida-japan-and-president-yoon-suk",
        "notes": "The start is the 4:37 P.M. ICT time stamp of the White House remarks before "
        "the meeting. Duration not given.",
        "participants": [
            ("biden", _PRES_US, "US"),
            ("kishida", _PM_JP, "JP"),
            ("yoon", _PRES_KR, "KR"),
        ],
        "follow_ups": [
            (
                "C6",
                "advanced",
                "The leaders adopted the Phnom Penh Statement on Trilateral Partnership for "
                "the Indo-Pacific.",
            ),
            ("C8", "reaffirmed", "The three leaders met on trilateral partnership."),
        ],
    },
    {
        "key": "2022-11-15-edd",
        "title": "Japan-U.S. Extended Deterrence Dialogue",
        "kind": "dialogue",
        "series": "Japan-U.S. Extended Deterrence Dialogue",
        "start": "2022-11-15 09:00",
        "time_zone": "Asia/Tokyo",
        "start_time_known": False,
        "duration_minutes": None,
        "end_date": "2022-11-16",
        "place": "Ministry of Foreign Affairs, Tokyo",
        "format": "in_person",
        "summary": "Round of the bilateral Extended Deterrence Dialogue at the Ministry of "
        "Foreign Affairs in Tokyo.",
        "source_url": "https://lapost.us/?p=54562",
        "notes": "Start time not given; 09:00 is a placeholder. The source is a repost of a "
        "State Department release dated 16 November 2022.",
        "participants": [
            ("bell", _DAS_AVC, "US"),
            ("johnson", _DASD_NCB, "US"),
            ("miyamoto", _DDG_NAAB, "JP"),
            ("ando", _DDG_DPB, "JP"),
        ],
        "follow_ups": [
            ("C3", "progress_reported", "A further round of the EDD was held in Tokyo."),
        ],
    },
    # Follow-up meetings, 2023 ------------------------------------------------------------------
    {
        "key": "2023-01-11-scc",
        "title": 'Japan-U.S. Security Consultative Committee ("2+2")',
        "kind": "security_2plus2",
        "series": "Japan-U.S. Security Consultative Committee",
        "start": "2023-01-11 09:00",
        "time_zone": "America/New_York",
        "start_time_known": False,
        "duration_minutes": None,
        "end_date": None,
        "place": "Department of State, Washington, D.C.",
        "format": "in_person",
        "summary": "The four ministers issued a joint statement. On Okinawa, the 3d Marine "
        "Division HQ and the 12th Marine Regiment stay, the regiment becoming the 12th Marine "
        "Littoral Regiment by FY2025 with no new units added.",
        "source_url": "https://thefederalnewswire.com/stories/638887268-joint-statement-of-the-"
        "security-consultative-committee-2-2",
        "notes": "Start time not given; 09:00 is a placeholder. The first source is a repost "
        "of the joint statement.",
        "participants": [
            ("blinken", _SECSTATE, "US"),
            ("austin", _SECDEF, "US"),
            ("hayashi", _FM_JP, "JP"),
            ("hamada", _MOD_JP, "JP"),
        ],
        "follow_ups": [
            (
                "C2",
                "advanced",
                'The "2+2" issued a joint statement with force posture decisions.',
            ),
            (
                "C4",
                "advanced",
                "Posture decisions on Okinawa; the Marine Corps stayed committed to the 2012 "
                "plan for about 9,000 Marines to leave Okinawa from 2024.",
            ),
            (
                "C11",
                "completed",
                "The follow-up discussion at the Security Consultative Committee took place.",
            ),
        ],
    },
    {
        "key": "2023-01-13-summit-washington",
        "title": "Japan-U.S. Summit Meeting",
        "kind": "summit",
        "series": "Japan-U.S. Summit",
        "start": "2023-01-13 09:00",
        "time_zone": "America/New_York",
        "start_time_known": False,
        "duration_minutes": None,
        "end_date": None,
        "place": "White House, Washington, D.C.",
        "format": "in_person",
        "summary": "President Biden backed Japan's defense build-up, including counterstrike "
        "capabilities and a bigger budget; the leaders told their officials to deepen security "
        'consultations, building on the 11 January "2+2".',
        "source_url": "https://gov-online.go.jp/eng/publicity/book/hlj/html/202302/"
        "202302_00_en.html",
        "notes": "Start time not given; 09:00 is a placeholder.",
        "participants": [
            ("kishida", _PM_JP, "JP"),
            ("biden", _PRES_US, "US"),
        ],
        "follow_ups": [
            (
                "C2",
                "reaffirmed",
                "Biden backed Japan's defense build-up, including counterstrike capabilities.",
            ),
            (
                "C11",
                "progress_reported",
                "The leaders told officials to deepen security consultations, building on the "
                'January "2+2".',
            ),
        ],
    },
    {
        "key": "2023-02-18-g7-fmm-munich",
        "title": "G7 Foreign Ministers' Meeting",
        "kind": "multilateral",
        "series": "G7 Foreign Ministers' Meeting",
        "start": "2023-02-18 09:00",
        "time_zone": "Europe/Berlin",
        "start_time_known": False,
        "duration_minutes": None,
        "end_date": None,
        "place": "Munich, Germany (margins of the Munich Security Conference)",
        "format": "in_person",
        "summary": "Chaired by Foreign Minister Hayashi under Japan's 2023 G7 presidency, with "
        "Ukrainian Foreign Minister Kuleba taking part; the G7 agreed to keep and strengthen "
        "sanctions on Russia and support for Ukraine, and a chair's statement was issued.",
        "source_url": "http://www.g8.utoronto.ca/foreign/230218-chair-statement.html",
        "notes": "Start time not given; 09:00 is a placeholder. Unverified: whether Blinken, "
        "Hayashi and Park Jin held a trilateral meeting in Munich that day (a Yomiuri photo "
        "caption shows them together).",
        "participants": [
            ("hayashi", _FM_JP, "JP"),
            ("blinken", _SECSTATE, "US"),
            ("kuleba", _FM_UA, "UA"),
        ],
        "follow_ups": [
            (
                "C5",
                "reaffirmed",
                "The G7 agreed to keep and strengthen sanctions on Russia and keep supporting "
                "Ukraine.",
            ),
        ],
    },
    {
        "key": "2023-04-16-g7-fmm-karuizawa",
        "title": "G7 Foreign Ministers' Meeting",
        "kind": "multilateral",
        "series": "G7 Foreign Ministers' Meeting",
        "start": "2023-04-16 09:00",
        "time_zone": "Asia/Tokyo",
        "start_time_known": False,
        "duration_minutes": None,
        "end_date": "2023-04-18",
        "place": "Karuizawa, Nagano",
        "format": "in_person",
        "summary": "Chaired by Foreign Minister Hayashi; the Ukraine session on 17 April "
        "confirmed more, fully coordinated and enforced sanctions on Russia, and a communiqué "
        "was issued on 18 April.",
        "source_url": "https://www.mofa.go.jp/ecm/ec/page24e_000391.html",
        "notes": "Start time not given; 09:00 is a placeholder.",
        "participants": [
            ("hayashi", _FM_JP, "JP"),
        ],
        "follow_ups": [
            (
                "C5",
                "reaffirmed",
                "The Ukraine session confirmed more, fully coordinated and enforced sanctions "
                "on Russia.",
            ),
            ("C7", "reaffirmed", "China was among the G7 ministers' topics."),
        ],
    },
    {
        "key": "2023-04-17-foreign-ministers-karuizawa",
        "title": "Japan-U.S. Foreign Ministers' Meeting",
        "kind": "foreign_ministers",
        "series": "Japan-U.S. Foreign Ministers' Meeting",
        "start": "2023-04-17 18:25",
        "time_zone": "Asia/Tokyo",
        "start_time_known": True,
        "duration_minutes": 20,
        "end_date": None,
        "place": "Karuizawa, Nagano",
        "format": "in_person",
        "summary": "Hayashi and Blinken discussed strengthening deterrence on the basis of the "
        'January "2+2", Ukraine, China, North Korea including abductions, IPEF, Japan\'s view '
        "of TPP and preparations for the G7 Hiroshima Summit.",
        "source_url": "https://www.mofa.go.jp/na/na1/us/page1e_000628.html",
        "notes": "",
        "participants": [
            ("hayashi", _FM_JP, "JP"),
            ("blinken", _SECSTATE, "US"),
        ],
        "follow_ups": [
            ("C2", "reaffirmed", "They discussed strengthening deterrence."),
            ("C5", "reaffirmed", "Ukraine was among the topics."),
            ("C7", "reaffirmed", "China was among the topics."),
            ("C8", "reaffirmed", "North Korea was among the topics."),
            ("C9", "reaffirmed", "The abductions issue was discussed with North Korea."),
            ("C10", "reaffirmed", "They discussed IPEF and Japan's view of TPP."),
            (
                "C11",
                "progress_reported",
                'Deterrence was to be strengthened on the basis of the January "2+2".',
            ),
        ],
    },
    {
        "key": "2023-04-19-hayashi-tai",
        "title": "Meeting between Foreign Minister Hayashi and U.S. Trade Representative Tai",
        "kind": "other",
        "series": None,
        "start": "2023-04-19 15:20",
        "time_zone": "Asia/Tokyo",
        "start_time_known": True,
        "duration_minutes": 20,
        "end_date": None,
        "place": "Tokyo",
        "format": "in_person",
        "summary": "Hayashi and Ambassador Tai discussed the Japan-U.S. Critical Minerals "
        "Agreement, IPEF and Japan's strategic view of TPP.",
        "source_url": "https://www.mofa.go.jp/press/release/press4e_003244.html",
        "notes": 'The source gives the start as "about 3:20 p.m.".',
        "participants": [
            ("hayashi", _FM_JP, "JP"),
            ("tai", _USTR, "US"),
        ],
        "follow_ups": [
            ("C10", "reaffirmed", "They discussed IPEF and Japan's strategic view of TPP."),
        ],
    },
    {
        "key": "2023-05-18-summit-hiroshima",
        "title": "Japan-U.S. Summit Meeting",
        "kind": "summit",
        "series": "Japan-U.S. Summit",
        "start": "2023-05-18 09:00",
        "time_zone": "Asia/Tokyo",
        "start_time_known": False,
        "duration_minutes": None,
        "end_date": None,
        "place": "Hiroshima",
        "format": "in_person",
        "summary": "On the eve of the G7 summit, President Biden restated the U.S. extended "
        "deterrence commitment; the leaders also covered IPEF, critical minerals and support "
        "for Ukraine.",
        "source_url": "https://rafu.com/2023/05/biden-kishida-discuss-security-issues-during-"
        "meeting-in-hiroshima/",
        "notes": "Start time not given; 09:00 is a placeholder. The first source carries the "
        "text of the White House summary.",
        "participants": [
            ("kishida", _PM_JP, "JP"),
            ("biden", _PRES_US, "US"),
        ],
        "follow_ups": [
            ("C2", "reaffirmed", "Security cooperation was discussed on the eve of the G7."),
            ("C3", "reaffirmed", "Biden restated the U.S. extended deterrence commitment."),
            ("C5", "reaffirmed", "The leaders covered support for Ukraine."),
            ("C10", "reaffirmed", "The leaders covered IPEF and critical minerals."),
        ],
    },
    {
        "key": "2023-05-19-foreign-ministers-hiroshima",
        "title": "Japan-U.S. Foreign Ministers' Meeting",
        "kind": "foreign_ministers",
        "series": "Japan-U.S. Foreign Ministers' Meeting",
        "start": "2023-05-19 17:45",
        "time_zone": "Asia/Tokyo",
        "start_time_known": True,
        "duration_minutes": 45,
        "end_date": None,
        "place": "Hiroshima",
        "format": "in_person",
        "summary": "Hayashi and Blinken discussed China, North Korea with Japan-U.S.-ROK "
        "coordination, the abductions issue and continued severe sanctions on Russia.",
        "source_url": "https://www.mofa.go.jp/na/na1/us/page1e_000678.html",
        "notes": "",
        "participants": [
            ("hayashi", _FM_JP, "JP"),
            ("blinken", _SECSTATE, "US"),
        ],
        "follow_ups": [
            ("C5", "reaffirmed", "They agreed on continued severe sanctions on Russia."),
            ("C7", "reaffirmed", "China was among the topics."),
            ("C8", "reaffirmed", "North Korea was discussed, with Japan-U.S.-ROK coordination."),
            ("C9", "reaffirmed", "Blinken again gave full support on the abductions issue."),
        ],
    },
    {
        "key": "2023-05-19-g7-hiroshima-summit",
        "title": "G7 Hiroshima Summit",
        "kind": "multilateral",
        "series": "G7 Summit",
        "start": "2023-05-19 09:00",
        "time_zone": "Asia/Tokyo",
        "start_time_known": False,
        "duration_minutes": None,
        "end_date": "2023-05-21",
        "place": "Hiroshima",
        "format": "in_person",
        "summary": "The 49th G7 summit, hosted by Japan.",
        "source_url": "https://everything.explained.today/%2F%2F/49th_G7_summit",
        "notes": "Start time not given; 09:00 is a placeholder.",
        "participants": [],
        "follow_ups": [
            ("C5", "reaffirmed", "The G7 leaders took up Russia's aggression against Ukraine."),
        ],
    },
    {
        "key": "2023-06-21-g7-fmm-london",
        "title": "G7 Foreign Ministers' Meeting",
        "kind": "multilateral",
        "series": "G7 Foreign Ministers' Meeting",
        "start": "2023-06-21 12:15",
        "time_zone": "Europe/London",
        "start_time_known": True,
        "duration_minutes": 55,
        "end_date": None,
        "place": "London",
        "format": "in_person",
        "summary": "The third G7 foreign ministers' meeting under Japan's presidency, hosted by "
        "Hayashi during a visit to London; Blinken reported on his trip to China.",
        "source_url": "https://www.mofa.go.jp/fp/pc/page6e_000365.html",
        "notes": "Unverified: the format (in person or hybrid); recorded here as in person. "
        "12:15 BST is 20:15 JST, as the source gives.",
        "participants": [
            ("hayashi", _FM_JP, "JP"),
            ("blinken", _SECSTATE, "US"),
        ],
        "follow_ups": [
            ("C5", "reaffirmed", "The G7 ministers took up Russia and Ukraine again."),
            ("C7", "progress_reported", "Blinken reported on his trip to China."),
        ],
    },
    {
        "key": "2023-06-26-edd",
        "title": "Japan-U.S. Extended Deterrence Dialogue",
        "kind": "dialogue",
        "series": "Japan-U.S. Extended Deterrence Dialogue",
        "start": "2023-06-26 09:00",
        "time_zone": "America/Chicago",
        "start_time_known": False,
        "duration_minutes": None,
        "end_date": "2023-06-27",
        "place": "Whiteman Air Force Base, Missouri",
        "format": "in_person",
        "summary": "Round of the bilateral Extended Deterrence Dialogue at Whiteman Air Force "
        "Base.",
        "source_url": "https://www.mofa.go.jp/press/release/press4e_003275.html",
        "notes": "Start time not given; 09:00 is a placeholder. The MOFA announcement says "
        'only "in the U.S."; the location comes from a secondary source.',
        "participants": [
            ("miyamoto", _DDG_NAAB, "JP"),
            ("ando", _DDG_DPB, "JP"),
            ("bell", _DAS_AVC, "US"),
            ("johnson", _DASD_NCB, "US"),
        ],
        "follow_ups": [
            ("C3", "progress_reported", "A further round of the EDD was held in Missouri."),
        ],
    },
    {
        "key": "2023-07-14-trilateral-jakarta",
        "title": "Japan-U.S.-ROK Foreign Ministers' Meeting",
        "kind": "trilateral",
        "series": "Japan-U.S.-ROK Foreign Ministers' Meeting",
        "start": "2023-07-14 09:00",
        "time_zone": "Asia/Jakarta",
        "start_time_known": False,
        "duration_minutes": None,
        "end_date": None,
        "place": "Jakarta, Indonesia (ASEAN-related meetings)",
        "format": "in_person",
        "summary": "Their joint statement condemned the DPRK's ICBM launch of 12 July 2023 and "
        "committed to real-time sharing of missile-warning data and to trilateral exercises.",
        "source_url": "https://kr.usembassy.gov/07172023-joint-statement-by-u-s-secretary-of-"
        "state-blinken-japanese-minister-for-foreign-affairs-hayashi-and-rok-minister-of-"
        "foreign-affairs-park/",
        "notes": "Start time not given; 09:00 is a placeholder.",
        "participants": [
            ("blinken", _SECSTATE, "US"),
            ("hayashi", _FM_JP, "JP"),
            ("park_jin", _FM_KR, "KR"),
        ],
        "follow_ups": [
            (
                "C8",
                "advanced",
                "The joint statement committed to real-time missile-warning data sharing and "
                "trilateral exercises.",
            ),
        ],
    },
    {
        "key": "2023-08-15-trilateral-video",
        "title": "Japan-U.S.-ROK Foreign Ministers' Video Conference Meeting",
        "kind": "trilateral",
        "series": "Japan-U.S.-ROK Foreign Ministers' Meeting",
        "start": "2023-08-15 09:00",
        "time_zone": "Asia/Tokyo",
        "start_time_known": False,
        "duration_minutes": 60,
        "end_date": None,
        "place": "Video conference",
        "format": "video",
        "summary": "Hayashi, Blinken and Park Jin prepared the 18 August Camp David summit.",
        "source_url": "https://colvillechronicler.com/democracy/japan-u-s-rok-foreign-ministers-"
        "video-conference-meeting/",
        "notes": "Start time not given; 09:00 is a placeholder (Yomiuri reports it lasted about "
        "an hour on Tuesday evening). The source is a repost of the MOFA readout.",
        "participants": [
            ("hayashi", _FM_JP, "JP"),
            ("blinken", _SECSTATE, "US"),
            ("park_jin", _FM_KR, "KR"),
        ],
        "follow_ups": [
            ("C8", "reaffirmed", "The three ministers prepared the Camp David summit."),
        ],
    },
    {
        "key": "2023-08-18-trilateral-summit-camp-david",
        "title": "Japan-U.S.-ROK Summit Meeting",
        "kind": "trilateral",
        "series": "Japan-U.S.-ROK Summit",
        "start": "2023-08-18 11:30",
        "time_zone": "America/New_York",
        "start_time_known": True,
        "duration_minutes": 120,
        "end_date": None,
        "place": "Camp David, Maryland",
        "format": "in_person",
        "summary": 'Kishida, Biden and Yoon released the "Camp David Principles", the joint '
        'leaders\' statement "The Spirit of Camp David" and the "Commitment to Consult".',
        "source_url": "https://japan.kantei.go.jp/101_kishida/diplomatic/202308/usarok.html",
        "notes": "Duration: a summit meeting of about 60 minutes followed by a small-group "
        "working lunch of about 60 minutes. 11:30 EDT is 0:30 on 19 August, Japan time.",
        "participants": [
            ("kishida", _PM_JP, "JP"),
            ("biden", _PRES_US, "US"),
            ("yoon", _PRES_KR, "KR"),
        ],
        "follow_ups": [
            (
                "C8",
                "advanced",
                "The leaders released the Camp David Principles, the Spirit of Camp David and "
                "the Commitment to Consult.",
            ),
            (
                "C9",
                "reaffirmed",
                "Per Yomiuri, the joint statement commits to resolving the abductions issue "
                "right away.",
            ),
        ],
    },
    {
        "key": "2023-09-14-telephone-kamikawa-blinken",
        "title": "Japan-U.S. Foreign Ministers' Telephone Talk",
        "kind": "telephone",
        "series": None,
        "start": "2023-09-14 09:00",
        "time_zone": "Asia/Tokyo",
        "start_time_known": False,
        "duration_minutes": 10,
        "end_date": None,
        "place": "Telephone (Tokyo)",
        "format": "telephone",
        "summary": "New Foreign Minister Kamikawa and Secretary Blinken agreed to keep "
        "strengthening the Alliance's deterrence and response capabilities, building on the "
        'January "2+2".',
        "source_url": "https://thediplomaticinsight.com/japan-u-s-foreign-ministers-telephone-"
        "conversation/",
        "notes": "Start time not given; 09:00 is a placeholder. The reference lists this call "
        "and Hayashi's farewell call as one entry; its follow-ups are recorded here.",
        "participants": [
            ("kamikawa", _FM_JP, "JP"),
            ("blinken", _SECSTATE, "US"),
        ],
        "follow_ups": [
            (
                "C2",
                "reaffirmed",
                "They agreed to keep strengthening deterrence and response capabilities.",
            ),
            ("C11", "reaffirmed", 'They agreed to build on the January "2+2".'),
        ],
    },
    {
        "key": "2023-09-14-telephone-hayashi-farewell",
        "title": "Telephone Talk between Former Foreign Minister Hayashi and Secretary of "
        "State Blinken",
        "kind": "telephone",
        "series": None,
        "start": "2023-09-14 09:20",
        "time_zone": "Asia/Tokyo",
        "start_time_known": True,
        "duration_minutes": 10,
        "end_date": None,
        "place": "Telephone (Tokyo)",
        "format": "telephone",
        "summary": "Farewell call by former Foreign Minister Hayashi to Secretary Blinken after "
        "the cabinet reshuffle.",
        "source_url": "https://www.mofa.go.jp/press/release/press4e_003296.html",
        "notes": "The reference gives the Follows list (C2, C11) for both calls of 14 September "
        "together; it is recorded on the Kamikawa-Blinken call.",
        "participants": [
            ("hayashi", "Former Minister for Foreign Affairs of Japan", "JP"),
            ("blinken", _SECSTATE, "US"),
        ],
        "follow_ups": [],
    },
    {
        "key": "2023-09-18-foreign-ministers-new-york",
        "title": "Japan-U.S. Foreign Ministers' Meeting",
        "kind": "foreign_ministers",
        "series": "Japan-U.S. Foreign Ministers' Meeting",
        "start": "2023-09-18 09:00",
        "time_zone": "America/New_York",
        "start_time_known": False,
        "duration_minutes": None,
        "end_date": None,
        "place": "New York",
        "format": "in_person",
        "summary": "Kamikawa and Blinken agreed to consult at various levels to strengthen "
        "extended deterrence.",
        "source_url": "https://diplomacybeyond.com/japan-usa-foreign-ministers-meeting-held-in-"
        "new-york/",
        "notes": "Start time not given; 09:00 is a placeholder. The source is a third-party "
        "summary.",
        "participants": [
            ("kamikawa", _FM_JP, "JP"),
            ("blinken", _SECSTATE, "US"),
        ],
        "follow_ups": [
            ("C2", "reaffirmed", "They agreed to keep strengthening the Alliance."),
            (
                "C3",
                "reaffirmed",
                "They agreed to consult at various levels to strengthen extended deterrence.",
            ),
        ],
    },
    {
        "key": "2023-09-22-trilateral-new-york",
        "title": "Japan-U.S.-ROK Foreign Ministers' Meeting",
        "kind": "trilateral",
        "series": "Japan-U.S.-ROK Foreign Ministers' Meeting",
        "start": "2023-09-22 09:00",
        "time_zone": "America/New_York",
        "start_time_known": False,
        "duration_minutes": None,
        "end_date": None,
        "place": "New York",
        "format": "in_person",
        "summary": "Brief trilateral meeting of Kamikawa, Blinken and Park Jin during the UN "
        "General Assembly week.",
        "source_url": "https://japannews.yomiuri.co.jp/politics/defense-security/20230924-138723/",
        "notes": "Start time not given; 09:00 is a placeholder.",
        "participants": [
            ("kamikawa", _FM_JP, "JP"),
            ("blinken", _SECSTATE, "US"),
            ("park_jin", _FM_KR, "KR"),
        ],
        "follow_ups": [
            ("C8", "reaffirmed", "The three foreign ministers held a brief meeting."),
        ],
    },
    {
        "key": "2023-10-19-epcc-vice-ministerial",
        "title": 'Japan-U.S. Economic Policy Consultative Committee (Economic "2+2") '
        "Vice-Ministerial Meeting",
        "kind": "economic_2plus2",
        "series": "Japan-U.S. Economic Policy Consultative Committee Vice-Ministerial Meeting",
        "start": "2023-10-19 21:30",
        "time_zone": "Asia/Tokyo",
        "start_time_known": True,
        "duration_minutes": 80,
        "end_date": None,
        "place": "Online",
        "format": "video",
        "summary": "Vice-ministers of MOFA, METI, the State Department and the Commerce "
        'Department held the Economic "2+2" vice-ministerial meeting online.',
        "source_url": "https://www.mofa.go.jp/press/release/press4e_003315.html",
        "notes": "9:30 p.m. is Japan time. The source does not say which vice-ministerial "
        "round this was.",
        "participants": [
            ("ono_keiichi", _SDM_MOFA, "JP"),
            ("hosaka", _VMIA_METI, "JP"),
            ("fernandez", _US_ECON, "US"),
            ("lago", _US_COM_IT, "US"),
        ],
        "follow_ups": [
            (
                "C11",
                "progress_reported",
                'The Economic "2+2" met at vice-ministerial level.',
            ),
        ],
    },
    {
        "key": "2023-11-07-foreign-ministers-tokyo",
        "title": "Japan-U.S. Foreign Ministers' Meeting",
        "kind": "foreign_ministers",
        "series": "Japan-U.S. Foreign Ministers' Meeting",
        "start": "2023-11-07 18:25",
        "time_zone": "Asia/Tokyo",
        "start_time_known": True,
        "duration_minutes": 45,
        "end_date": None,
        "place": "Ministry of Foreign Affairs, Tokyo",
        "format": "in_person",
        "summary": "Kamikawa and Blinken discussed Gaza, support for Ukraine and keeping up "
        "trilateral cooperation with the ROK after Camp David; Blinken restated the U.S. "
        '"ironclad" commitment to Japan\'s defense.',
        "source_url": "https://www.america-times.com/secretary-blinkens-meeting-with-japanese-"
        "foreign-minister-kamikawa/",
        "notes": "The duration (about 45 minutes) comes from an NHK-based report.",
        "participants": [
            ("kamikawa", _FM_JP, "JP"),
            ("blinken", _SECSTATE, "US"),
        ],
        "follow_ups": [
            (
                "C2",
                "reaffirmed",
                'Blinken restated the U.S. "ironclad" commitment to Japan\'s defense.',
            ),
            ("C5", "reaffirmed", "They discussed support for Ukraine."),
            (
                "C8",
                "reaffirmed",
                "They agreed to keep up trilateral cooperation with the ROK after Camp David.",
            ),
        ],
    },
    {
        "key": "2023-11-07-g7-fmm-tokyo",
        "title": "G7 Foreign Ministers' Meeting",
        "kind": "multilateral",
        "series": "G7 Foreign Ministers' Meeting",
        "start": "2023-11-07 09:00",
        "time_zone": "Asia/Tokyo",
        "start_time_known": False,
        "duration_minutes": None,
        "end_date": "2023-11-08",
        "place": "Tokyo",
        "format": "in_person",
        "summary": "Chaired by Kamikawa with Blinken attending and Ukrainian Foreign Minister "
        "Kuleba joining the Ukraine session by video; they agreed to keep up severe sanctions "
        "and strong support for Ukraine.",
        "source_url": "https://japannews.yomiuri.co.jp/politics/politics-government/"
        "20231107-148189",
        "notes": "Start time not given; 09:00 is a placeholder. Kuleba took part by video.",
        "participants": [
            ("kamikawa", _FM_JP, "JP"),
            ("blinken", _SECSTATE, "US"),
            ("kuleba", _FM_UA, "UA"),
        ],
        "follow_ups": [
            (
                "C5",
                "reaffirmed",
                "The G7 agreed to keep up severe sanctions and strong support for Ukraine.",
            ),
        ],
    },
    {
        "key": "2023-11-14-ipef-san-francisco",
        "title": "IPEF Ministerial Meeting",
        "kind": "multilateral",
        "series": "IPEF Ministerial",
        "start": "2023-11-14 09:00",
        "time_zone": "America/Los_Angeles",
        "start_time_known": False,
        "duration_minutes": None,
        "end_date": None,
        "place": "Moscone Center, San Francisco",
        "format": "in_person",
        "summary": 'IPEF ministerial held the morning before the second Economic "2+2".',
        "source_url": "https://like123.com/secretary-antony-j-blinken-secretary-of-commerce-"
        "gina-m-raimondo-japanese-foreign-minister-kamikawa-yoko-and-japanese-minister-of-"
        "economy-trade-and-industry-nishimura-yasutoshi-before-their-meeting",
        "notes": "Held in the morning according to Kamikawa's remarks before the Economic "
        '"2+2"; the exact time is not given, 09:00 is a placeholder.',
        "participants": [],
        "follow_ups": [
            ("C10", "progress_reported", "The IPEF partners met again at ministerial level."),
        ],
    },
    {
        "key": "2023-11-14-epcc",
        "title": 'Japan-U.S. Economic Policy Consultative Committee (Economic "2+2")',
        "kind": "economic_2plus2",
        "series": "Japan-U.S. Economic Policy Consultative Committee",
        "start": "2023-11-14 17:32",
        "time_zone": "America/Los_Angeles",
        "start_time_known": True,
        "duration_minutes": 60,
        "end_date": None,
        "place": "San Francisco",
        "format": "in_person",
        "summary": 'Second ministerial meeting of the Economic "2+2" with Ministers Kamikawa '
        "and Nishimura and Secretaries Blinken and Raimondo; a joint statement was issued.",
        "source_url": "https://www.mofa.go.jp/na/na2/us/page4e_001514.html",
        "notes": "",
        "participants": [
            ("kamikawa", _FM_JP, "JP"),
            ("nishimura", _METI_JP, "JP"),
            ("blinken", _SECSTATE, "US"),
            ("raimondo", _SECCOM, "US"),
        ],
        "follow_ups": [
            ("C10", "reaffirmed", "The meeting followed the IPEF ministerial held that morning."),
            (
                "C11",
                "progress_reported",
                'The second Economic "2+2" ministerial issued a joint statement.',
            ),
        ],
    },
    {
        "key": "2023-11-16-summit-san-francisco",
        "title": "Japan-U.S. Summit Meeting",
        "kind": "summit",
        "series": "Japan-U.S. Summit",
        "start": "2023-11-16 09:00",
        "time_zone": "America/Los_Angeles",
        "start_time_known": False,
        "duration_minutes": None,
        "end_date": None,
        "place": "San Francisco (APEC week)",
        "format": "in_person",
        "summary": 'Biden and Kishida welcomed progress on IPEF and the second Economic "2+2", '
        "agreed to speed up trilateral cooperation with the ROK, and discussed Ukraine, the "
        "Taiwan Strait and China.",
        "source_url": "https://www.presidency.ucsb.edu/documents/readout-president-bidens-"
        "meeting-with-prime-minister-kishida-japan-3",
        "notes": "Start time not given; 09:00 is a placeholder.",
        "participants": [
            ("biden", _PRES_US, "US"),
            ("kishida", _PM_JP, "JP"),
        ],
        "follow_ups": [
            ("C1", "progress_reported", "The leaders reviewed progress in bilateral cooperation."),
            ("C5", "reaffirmed", "The leaders discussed Ukraine."),
            ("C7", "reaffirmed", "The leaders discussed the Taiwan Strait and China."),
            (
                "C8",
                "reaffirmed",
                "They agreed to speed up trilateral cooperation with the ROK.",
            ),
            ("C10", "progress_reported", "The leaders welcomed progress on IPEF."),
            ("C11", "progress_reported", 'The leaders welcomed the second Economic "2+2".'),
        ],
    },
    {
        "key": "2023-12-05-edd",
        "title": "Japan-U.S. Extended Deterrence Dialogue",
        "kind": "dialogue",
        "series": "Japan-U.S. Extended Deterrence Dialogue",
        "start": "2023-12-05 09:00",
        "time_zone": "Asia/Tokyo",
        "start_time_known": False,
        "duration_minutes": None,
        "end_date": "2023-12-07",
        "place": "Japan",
        "format": "in_person",
        "summary": "Round of the bilateral Extended Deterrence Dialogue hosted by Japan.",
        "source_url": "https://miragenews.com/us-japan-extended-deterrence-dialogue-8-december-"
        "1139293",
        "notes": 'Start time not given; 09:00 is a placeholder. The source says only "in Japan".',
        "participants": [
            ("miyamoto", _DDG_NAAB, "JP"),
            ("ando", _DDG_DPB, "JP"),
            ("bell", _DAS_ACDS, "US"),
            ("johnson", _DASD_NCB, "US"),
        ],
        "follow_ups": [
            ("C3", "progress_reported", "A further round of the EDD was held in Japan."),
        ],
    },
    # Follow-up meetings, 2024 ------------------------------------------------------------------
    {
        "key": "2024-01-12-foreign-ministers-washington",
        "title": "Japan-U.S. Foreign Ministers' Meeting",
        "kind": "foreign_ministers",
        "series": "Japan-U.S. Foreign Ministers' Meeting",
        "start": "2024-01-12 13:30",
        "time_zone": "America/New_York",
        "start_time_known": True,
        "duration_minutes": 45,
        "end_date": None,
        "place": "Washington, D.C.",
        "format": "in_person",
        "summary": "Kamikawa and Blinken discussed strengthening deterrence, preparing Prime "
        "Minister Kishida's official visit, China and the Taiwan Strait, North Korea, and "
        "sanctions and support for Ukraine.",
        "source_url": "https://www.mofa.go.jp/na/na1/us/pageite_000001_00106.html",
        "notes": "",
        "participants": [
            ("kamikawa", _FM_JP, "JP"),
            ("blinken", _SECSTATE, "US"),
        ],
        "follow_ups": [
            ("C2", "reaffirmed", "They discussed strengthening deterrence."),
            ("C5", "reaffirmed", "They discussed sanctions on Russia and support for Ukraine."),
            ("C7", "reaffirmed", "They discussed China and the Taiwan Strait."),
            ("C8", "reaffirmed", "North Korea was among the topics."),
        ],
    },
    {
        "key": "2024-04-10-summit-washington",
        "title": "Japan-U.S. Summit Meeting",
        "kind": "summit",
        "series": "Japan-U.S. Summit",
        "start": "2024-04-10 10:50",
        "time_zone": "America/New_York",
        "start_time_known": True,
        "duration_minutes": 85,
        "end_date": None,
        "place": "White House, Washington, D.C. (official visit)",
        "format": "in_person",
        "summary": "During Prime Minister Kishida's official visit, the leaders issued the Joint "
        'Leaders\' Statement "Global Partners for the Future" and agreed to upgrade their '
        "respective command-and-control frameworks.",
        "source_url": "https://japan.kantei.go.jp/101_kishida/diplomatic/202404/10usa.html",
        "notes": "A small-group meeting of about 30 minutes, then an expanded meeting from "
        "11:25 a.m. of about 55 minutes. 10:50 EDT is 23:50 Japan time.",
        "participants": [
            ("kishida", _PM_JP, "JP"),
            ("biden", _PRES_US, "US"),
        ],
        "follow_ups": [
            (
                "C1",
                "advanced",
                "The leaders issued the Joint Leaders' Statement \"Global Partners for the "
                'Future".',
            ),
            (
                "C2",
                "advanced",
                "The leaders agreed to upgrade their respective command-and-control frameworks.",
            ),
            ("C3", "reaffirmed", "The leaders reaffirmed enhancing U.S. extended deterrence."),
            (
                "C11",
                "reaffirmed",
                'The command-and-control upgrade agreed here was taken up at the July 2024 "2+2".',
            ),
        ],
    },
    {
        "key": "2024-04-17-g7-fmm-capri",
        "title": "G7 Foreign Ministers' Meeting",
        "kind": "multilateral",
        "series": "G7 Foreign Ministers' Meeting",
        "start": "2024-04-17 09:00",
        "time_zone": "Europe/Rome",
        "start_time_known": False,
        "duration_minutes": None,
        "end_date": "2024-04-19",
        "place": "Capri, Italy",
        "format": "in_person",
        "summary": "G7 foreign ministers met on Capri; a communiqué on Ukraine, with Japan "
        "among the signatories, was issued on 19 April 2024.",
        "source_url": "https://gov.uk/government/publications/g7-foreign-ministers-meeting-"
        "communiques-april-2024/21ad1086-d8ae-4a2e-bcbb-efa8d0b16c87",
        "notes": "Unverified: Foreign Minister Kamikawa's attendance; Japan signed the "
        "communiqué but no source found confirms she attended. Start time not given; 09:00 is "
        "a placeholder.",
        "participants": [
            ("blinken", _SECSTATE, "US"),
        ],
        "follow_ups": [
            ("C5", "reaffirmed", "The G7 issued a communiqué on Ukraine on 19 April."),
        ],
    },
    {
        "key": "2024-06-13-edd",
        "title": "Japan-U.S. Extended Deterrence Dialogue",
        "kind": "dialogue",
        "series": "Japan-U.S. Extended Deterrence Dialogue",
        "start": "2024-06-13 09:00",
        "time_zone": "America/Denver",
        "start_time_known": False,
        "duration_minutes": None,
        "end_date": "2024-06-14",
        "place": "F.E. Warren Air Force Base, Cheyenne, Wyoming",
        "format": "in_person",
        "summary": "Round of the bilateral Extended Deterrence Dialogue which, the release "
        "says, followed the 10 April summit.",
        "source_url": "https://breakingnewsinternational.com/?p=34415",
        "notes": "Start time not given; 09:00 is a placeholder. Another repost spells Ando as "
        '"Endo", a mistranslation.',
        "participants": [
            ("bell", _DAS_ACDS, "US"),
            ("johnson", _DASD_NCB, "US"),
            ("miyamoto", _DDG_NAAB, "JP"),
            ("ando", _DDG_DPB, "JP"),
        ],
        "follow_ups": [
            ("C3", "progress_reported", "A further round of the EDD followed the April summit."),
        ],
    },
    {
        "key": "2024-07-28-foreign-ministers-tokyo",
        "title": "Japan-U.S. Foreign Ministers' Meeting",
        "kind": "foreign_ministers",
        "series": "Japan-U.S. Foreign Ministers' Meeting",
        "start": "2024-07-28 09:00",
        "time_zone": "Asia/Tokyo",
        "start_time_known": False,
        "duration_minutes": None,
        "end_date": None,
        "place": "Tokyo",
        "format": "in_person",
        "summary": "Kamikawa and Blinken reaffirmed the importance of peace and stability "
        "across the Taiwan Strait.",
        "source_url": "https://www.nippon.com/en/news/yjj2024072800413/kamikawa-blinken-"
        "reaffirm-importance-of-taiwan-strait-stability.html",
        "notes": "Start time not given; 09:00 is a placeholder.",
        "participants": [
            ("kamikawa", _FM_JP, "JP"),
            ("blinken", _SECSTATE, "US"),
        ],
        "follow_ups": [
            (
                "C7",
                "reaffirmed",
                "They reaffirmed that peace and stability across the Taiwan Strait matter.",
            ),
        ],
    },
    {
        "key": "2024-07-28-scc",
        "title": 'Japan-U.S. Security Consultative Committee ("2+2")',
        "kind": "security_2plus2",
        "series": "Japan-U.S. Security Consultative Committee",
        "start": "2024-07-28 09:00",
        "time_zone": "Asia/Tokyo",
        "start_time_known": False,
        "duration_minutes": None,
        "end_date": None,
        "place": "Tokyo",
        "format": "in_person",
        "summary": "The four ministers issued a joint statement and agreed to upgrade Alliance "
        "command and control.",
        "source_url": "https://www.mod.go.jp/en/article/2024/07/"
        "c11d4b86153aa309ebba4717f43490430d31343c.html",
        "notes": "Start time not given; 09:00 is a placeholder. The link to C4 (Okinawa "
        "realignment) is only indirect: the meeting was about force posture.",
        "participants": [
            ("kamikawa", _FM_JP, "JP"),
            ("kihara", _MOD_JP, "JP"),
            ("blinken", _SECSTATE, "US"),
            ("austin", _SECDEF, "US"),
        ],
        "follow_ups": [
            ("C2", "advanced", "The ministers agreed to upgrade Alliance command and control."),
            (
                "C4",
                "reaffirmed",
                "Indirect link only: the meeting covered force posture, not the Okinawa "
                "realignment itself.",
            ),
            ("C11", "progress_reported", 'The "2+2" met again and issued a joint statement.'),
        ],
    },
    {
        "key": "2024-07-28-extended-deterrence-ministerial",
        "title": "Japan-U.S. Ministerial Meeting on Extended Deterrence",
        "kind": "dialogue",
        "series": "Japan-U.S. Ministerial Meeting on Extended Deterrence",
        "start": "2024-07-28 09:00",
        "time_zone": "Asia/Tokyo",
        "start_time_known": False,
        "duration_minutes": None,
        "end_date": None,
        "place": "Tokyo",
        "format": "in_person",
        "summary": "First ministerial meeting on extended deterrence, with the same four "
        'ministers as the "2+2"; they issued a joint statement and agreed to review the '
        "EDD's activities periodically.",
        "source_url": "https://thefederalnewswire.com/stories/662134401-u-s-japan-ministers-"
        "discuss-strengthening-extended-deterrence-amid-rising-regional-tensions",
        "notes": "Start time not given; 09:00 is a placeholder.",
        "participants": [
            ("kamikawa", _FM_JP, "JP"),
            ("kihara", _MOD_JP, "JP"),
            ("blinken", _SECSTATE, "US"),
            ("austin", _SECDEF, "US"),
        ],
        "follow_ups": [
            (
                "C3",
                "advanced",
                "First ministerial meeting on extended deterrence; joint statement and "
                "periodic review of the EDD agreed.",
            ),
        ],
    },
    {
        "key": "2024-07-29-courtesy-call-kishida",
        "title": "Courtesy Call on Prime Minister Kishida by Secretary of State Blinken and "
        "Secretary of Defense Austin",
        "kind": "other",
        "series": None,
        "start": "2024-07-29 15:10",
        "time_zone": "Asia/Tokyo",
        "start_time_known": True,
        "duration_minutes": 20,
        "end_date": None,
        "place": "Tokyo",
        "format": "in_person",
        "summary": "Secretaries Blinken and Austin called on Prime Minister Kishida the day "
        'after the "2+2", with the Chief Cabinet Secretary and the foreign and defense '
        "ministers present.",
        "source_url": "https://japan.kantei.go.jp/101_kishida/diplomatic/202407/"
        "29courtsycall_us.html",
        "notes": "",
        "participants": [
            ("kishida", _PM_JP, "JP"),
            ("blinken", _SECSTATE, "US"),
            ("austin", _SECDEF, "US"),
            ("hayashi", "Chief Cabinet Secretary of Japan", "JP"),
            ("kamikawa", _FM_JP, "JP"),
            ("kihara", _MOD_JP, "JP"),
        ],
        "follow_ups": [
            (
                "C2",
                "reaffirmed",
                'The Secretaries called on the Prime Minister the day after the "2+2".',
            ),
            ("C11", "progress_reported", 'The courtesy call followed the 28 July "2+2" in Tokyo.'),
        ],
    },
    {
        "key": "2024-09-21-summit-delaware",
        "title": "Japan-U.S. Summit Meeting",
        "kind": "summit",
        "series": "Japan-U.S. Summit",
        "start": "2024-09-21 11:05",
        "time_zone": "America/New_York",
        "start_time_known": True,
        "duration_minutes": 60,
        "end_date": None,
        "place": "President Biden's private residence, Delaware",
        "format": "in_person",
        "summary": "Kishida and Biden looked back over progress since the April official visit.",
        "source_url": "https://japan.kantei.go.jp/101_kishida/diplomatic/202409/21usa.html",
        "notes": 'The source gives 11:05 a.m. "EST" (0:05 a.m. on 22 September, Japan time); '
        "in September Delaware is on EDT (UTC-4), which is what matches the Japan time. "
        'Unverified: the town (Wilmington); the source says only "Delaware".',
        "participants": [
            ("kishida", _PM_JP, "JP"),
            ("biden", _PRES_US, "US"),
        ],
        "follow_ups": [
            (
                "C1",
                "progress_reported",
                "The leaders looked back over progress since the April official visit.",
            ),
        ],
    },
    {
        "key": "2024-09-26-epcc-vice-ministerial",
        "title": 'Fourth Japan-U.S. Economic Policy Consultative Committee (Economic "2+2") '
        "Vice-Ministerial Meeting",
        "kind": "economic_2plus2",
        "series": "Japan-U.S. Economic Policy Consultative Committee Vice-Ministerial Meeting",
        "start": "2024-09-26 09:00",
        "time_zone": "America/New_York",
        "start_time_known": False,
        "duration_minutes": None,
        "end_date": None,
        "place": "Washington, D.C.",
        "format": "in_person",
        "summary": 'The fourth vice-ministerial meeting of the Economic "2+2" covered IPEF, '
        "critical minerals and economic coercion.",
        "source_url": "https://www.einpresswire.com/article/746849672/readout-of-the-fourth-"
        "vice-ministerial-meeting-of-the-u-s-japan-economic-policy-consultative-committee",
        "notes": "Start time not given; 09:00 is a placeholder. The source is a repost of the "
        "Commerce Department readout.",
        "participants": [
            ("lago", _US_COM_IT, "US"),
            ("fernandez", _US_ECON, "US"),
            ("akahori", _SDM_MOFA, "JP"),
            ("matsuo", _VMIA_METI, "JP"),
        ],
        "follow_ups": [
            ("C10", "reaffirmed", "IPEF was among the topics."),
            (
                "C11",
                "progress_reported",
                'The Economic "2+2" held its fourth vice-ministerial meeting.',
            ),
        ],
    },
    {
        "key": "2024-12-10-edd",
        "title": "Japan-U.S. Extended Deterrence Dialogue",
        "kind": "dialogue",
        "series": "Japan-U.S. Extended Deterrence Dialogue",
        "start": "2024-12-10 09:00",
        "time_zone": "Asia/Tokyo",
        "start_time_known": False,
        "duration_minutes": None,
        "end_date": "2024-12-12",
        "place": "Ministry of Foreign Affairs, Tokyo",
        "format": "in_person",
        "summary": "Round of the bilateral Extended Deterrence Dialogue which, the release "
        'says, followed the 28 July "2+2" and ministerial meeting on extended deterrence.',
        "source_url": "https://miragenews.com/us-japan-extended-deterrence-dialogue-13-1377138",
        "notes": "Start time not given; 09:00 is a placeholder.",
        "participants": [
            ("kumagai", _DDG_NAAB, "JP"),
            ("ueda", _DDG_DPB, "JP"),
            ("bell", _DAS_ACDS, "US"),
            ("johnson", _DASD_NCB, "US"),
        ],
        "follow_ups": [
            (
                "C3",
                "progress_reported",
                "The EDD followed up the July 2024 ministerial meeting on extended deterrence.",
            ),
        ],
    },
    {
        "key": "2024-12-14-marines-guam-relocation",
        "title": "Relocation of Marines from Okinawa to Guam begins (milestone)",
        "kind": "other",
        "series": None,
        "start": "2024-12-14 09:00",
        "time_zone": "Asia/Tokyo",
        "start_time_known": False,
        "duration_minutes": None,
        "end_date": None,
        "place": "Okinawa, Japan to Camp Blaz, Guam",
        "format": "in_person",
        "summary": "About 100 III MEF logistics personnel moved from Okinawa to Camp Blaz on "
        "Guam as the first phase of the Marines' relocation.",
        "source_url": "https://yenisafak.com/en/world/us-begins-marine-transfer-to-guam-from-"
        "okinawa-japan-3695727",
        "notes": "A milestone, not a meeting. Unverified: the exact start date; it was reported "
        "on 14 December 2024 (secondary news sources only), so 2024-12-14 is used. 09:00 is a "
        "placeholder.",
        "participants": [],
        "follow_ups": [
            (
                "C4",
                "advanced",
                "About 100 III MEF logistics personnel moved to Guam as the first phase.",
            ),
        ],
    },
    # Just outside the window -------------------------------------------------------------------
    {
        "key": "2025-01-07-working-lunch-tokyo",
        "title": "Japan-U.S. Foreign Ministers' Working Lunch",
        "kind": "foreign_ministers",
        "series": "Japan-U.S. Foreign Ministers' Meeting",
        "start": "2025-01-07 11:30",
        "time_zone": "Asia/Tokyo",
        "start_time_known": True,
        "duration_minutes": 90,
        "end_date": None,
        "place": "Tokyo",
        "format": "in_person",
        "summary": 'Foreign Minister Iwaya and Secretary Blinken built on the July 2024 "2+2" '
        "and discussed North Korea, the abductions issue and the Nippon Steel-U.S. Steel deal.",
        "source_url": "https://www.mofa.go.jp/press/release/pressite_000001_00896.html",
        "notes": "",
        "participants": [
            ("iwaya", _FM_JP, "JP"),
            ("blinken", _SECSTATE, "US"),
        ],
        "follow_ups": [
            ("C2", "reaffirmed", 'They built on the July 2024 "2+2".'),
            ("C8", "reaffirmed", "They discussed North Korea."),
            ("C9", "reaffirmed", "They discussed the abductions issue."),
        ],
    },
]
