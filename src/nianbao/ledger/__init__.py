"""依申请公开台账（the application ledger）.

纯函数部分：`calendar`（工作日历，基于 chinesecalendar 并允许管理员导入国务院放假安排）、
`deadlines`（《政府信息公开条例》第三十条、第三十三条的答复期限）、`fees`（国办函〔2020〕109号
信息处理费）、`vocabulary`（台账用语：申请人类型、渠道、事件、办理结果、复议诉讼，一词一处）。
数据库部分：`agencies`、`cases`、`appeals`、`calendar_store`、`queries`（案件列表、到期）、`tables`、`csvio`；
`letters`、`letter_texts`（案件文书的内容：日期、答复依据的条款）与 `letter_store`（生成并保存文书、本机关模板）。
"""
