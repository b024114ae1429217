"""The Rasa slots the actions read or set: the contract's, and the forms' own.

``examples/rasa/domain.yml`` declares exactly these; a test holds the two together.
"""

from __future__ import annotations

# The entity contract of design.md, and the slots the Rasa contract adds to it.
CONTRACT_SLOTS: dict[str, str] = {
    "program": "救助项目 id（dibao, tekun, …）",
    "household_size": "家庭人数",
    "monthly_income": "家庭月收入（元）",
    "age": "申请人年龄（只有这一项时，测算按它补全其他成员）",
    "id_number": "18位身份证号",
    "phone": "11位手机号",
    "case_number": "案件编号 JZ20261123-0007；提交申请后由 action_submit_application 设置",
    "disability_grade": "残疾等级 1–4",
    "illness": "所患重病（有值即按重病测算）",
    "place": "乡镇（街道）；校验后是乡镇名，村（社区）在 village",
    "name": "申请人姓名",
    "aspect": "政策问答的方面：what / eligibility / materials / process / amount",
    "id_last6": "查进度时身份证号后6位（用过即清空）",
    "screening_programs": "测算结果：很可能或可能符合的项目 id",
    "screening_amount": "测算结果：估算每月合计金额（元），无估算时为空",
}

# Slots of the forms (the flows' own questions) and the actions' bookkeeping.
EXTRA_SLOTS: dict[str, str] = {
    # household answers, named as in the screening flow (flows/screening.py)
    "residence": "城镇 urban / 农村 rural",
    "ages": "每位家庭成员的年龄，从申请人开始",
    "conditions": "家中特殊情况，每位成员分别记（ill/disabled/students/unemployed → 谁），或 serious, disability, student, unemployed",
    "who_ill": "重病的是哪几位（成员序号，0 是申请人）；说清楚了就不问",
    "who_disabled": "残疾的是哪几位（成员序号）",
    "who_students": "上学的是哪几位（成员序号）",
    "who_unemployed": "失业的是哪几位（成员序号）",
    "disability_kind": "残疾类别（三级时才问）：physical, visual, hearing, speech, intellectual, mental, multiple",
    "parents_unable": "孩子的父母都不能抚养（孤儿、事实无人抚养儿童）：true / false",
    "medical": "每月自付医药费（元）",
    "education": "每月上学花销（元）",
    "one_off_cost": "突发困难的一次性花销（元）",
    "deposits": "家庭存款（元）",
    "vehicles": "机动车：0 / 1 / unknown",
    "houses": "住房套数：0 / 1 / 2 / unknown",
    "supporters_able": "有赡养能力的亲属：yes / no",
    "hardship_event": "近3个月突发困难：none, sudden_illness, accident, disaster, fire, other",
    # applying (flows/apply.py)
    "village": "村（社区）",
    "commitment": "告知承诺书：agree 才能提交",
    "authorisation": "家庭经济状况核对授权书：agree 才能提交",
    # status (flows/status.py)
    "status_failures": "（不再使用：查进度失败次数按案件记在数据库里）",
    # check-in (flows/checkin.py)
    "checkin_members": "人口有无变化：unchanged / changed",
    "checkin_income": "收入有无变化：unchanged / changed",
    "checkin_address": "住址有无变化：unchanged / changed",
    "checkin_health": "身体情况有无变化：unchanged / changed",
    "changes": "有什么变化（文字）",
    "checkin_bind_failures": "（不再使用：核实身份失败次数按名册记录记在数据库里）",
    # urgent help (flows/urgent.py)
    "urgent_case": "已开的紧急求助案件编号",
    "urgent_opener": "第一句话已经说明的项（place, what）",
    "urgent_place": "紧急求助：在哪里",
    "urgent_what": "紧急求助：发生了什么",
    # hand-off (flows/handoff.py): a conversation while attached
    "handoff_on": "正在和工作人员对话（转人工以后，直到回到小助手或办结）",
    "handoff_case": "转人工案件编号",
}

ALL_SLOTS: dict[str, str] = {**CONTRACT_SLOTS, **EXTRA_SLOTS}
