"""The 2020 plan as published (工信部节函〔2020〕1号), seeded by ``flask init``."""

from datetime import date

PLAN_2020 = {
    "year": 2020,
    "document_number": "工信部节函〔2020〕1号",
    "title": "2020年工业节能监察重点工作计划",
    "issued_on": date(2020, 1, 10),
    "annex_layout": "2020",
    "daily_supervision": "\n".join(
        [
            "能源管理体系建立情况",
            "能源管理岗位设立和能源管理负责人履职情况",
            "能源计量制度执行情况",
            "能源消费统计制度执行情况",
            "能源利用状况报告制度执行情况",
            "节能教育培训开展情况",
        ]
    ),
    "categories": [
        (
            1,
            "energy_intensive",
            "重点高耗能行业能耗专项监察",
            True,
            "附件1所列石化化工、有色金属、建材、轻工细分行业的重点用能企业：强制性单位产品能耗限额标准执行情况",
        ),
        (
            2,
            "ladder_price",
            "阶梯电价政策执行专项监察",
            True,
            "钢铁、水泥、电解铝企业能耗情况；重点监察2019年能耗超标违规企业",
        ),
        (
            3,
            "equipment",
            "重点用能产品设备能效提升专项监察",
            False,
            "电机、风机、空压机、变压器、泵等设备台账；结合前两项开展，不单独申报任务",
        ),
        (
            4,
            "data_centre",
            "数据中心能效专项监察",
            True,
            "纳入重点用能单位管理的数据中心：电能使用效率实测值、能源计量器具配备",
        ),
        (
            5,
            "rectification_review",
            "2019年违规企业整改落实情况专项监察",
            True,
            "2019年能耗超限额及其他违规企业限期整改通知书落实情况（“回头看”）",
        ),
    ],
    "deliverables": [
        (
            "task_filing",
            "报送2020年专项监察任务（附件1、2）及前期补助资金使用报告",
            date(2020, 2, 20),
        ),
        ("category_five_results", "报送2019年违规企业整改落实情况专项监察结果", date(2020, 6, 30)),
        ("annual_summary", "报送年度工作总结报告及实际监察企业名单和监察结果", date(2020, 9, 30)),
    ],
}

#: Chinese numerals of the category numbers, as the plan writes them.
CATEGORY_NUMERALS = {1: "一", 2: "二", 3: "三", 4: "四", 5: "五"}
