"""依申请公开台账（the application ledger）.

纯函数部分：`calendar`（工作日历，基于 chinesecalendar 并允许管理员导入国务院放假安排）、
`deadlines`（《政府信息公开条例》第三十条、第三十三条的答复期限）、`fees`（国办函〔2020〕109号
信息处理费）。数据库部分由同一包内的其他模块提供。
"""
