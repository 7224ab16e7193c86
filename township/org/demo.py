"""The demo organisation: one county, two townships, eight departments each, twelve general windows each."""

COUNTY = {"code": "320999", "name": "江南县"}

TOWNSHIPS = [
    {
        "code": "320999101",
        "name": "青石镇",
        "short_code": "QS",
        "hall_address": "青石镇人民路88号便民服务中心",
        "hall_phone": "0512-5550101",
    },
    {
        "code": "320999102",
        "name": "白沙镇",
        "short_code": "BS",
        "hall_address": "白沙镇沙湖大道16号便民服务中心",
        "hall_phone": "0512-5550202",
    },
]

DEPARTMENTS = [
    ("DZB", "党政办公室", "office"),
    ("JJFZ", "经济发展局", "bureau"),
    ("SHSY", "社会事业局", "bureau"),
    ("RSBZ", "人力资源和社会保障所", "stationed"),
    ("ZRZY", "自然资源和规划所", "stationed"),
    ("SCJG", "市场监督管理所", "stationed"),
    ("ZHZF", "综合行政执法局", "bureau"),
    ("ZHZX", "便民服务和综合指挥中心", "office"),
]

GENERAL_WINDOWS = 12

# username, role, department code (None: no department), full name, phone
USERS = [
    ("clerk", "window_clerk", "ZHZX", "王晓窗", "13900000001"),
    ("approver", "approver", "SHSY", "李审批", "13900000002"),
    ("chief", "chief_representative", "SHSY", "张首席", "13900000003"),
    ("head", "department_head", "SHSY", "陈局长", "13900000004"),
    ("officer", "enforcement_officer", "ZHZF", "刘执法", "13900000005"),
    ("legal", "legal_reviewer", "ZHZF", "赵法制", "13900000006"),
    ("gridhead", "grid_head", "ZHZX", "孙网格长", "13900000007"),
    ("gridmember", "grid_member", "ZHZX", "周网格员", "13900000008"),
    ("command", "command_centre", "ZHZX", "吴指挥", "13900000009"),
    ("admin", "township_admin", "DZB", "郑管理", "13900000010"),
    ("county", "county_admin", None, "冯县管", "13900000011"),
]

RESIDENT = {
    "username": "resident",
    "phone": "13800000001",
    "real_name": "林居民",
    "id_number": "320999199001011234",
}
