"""The names ``cepledger/cli`` reads as ``render.<name>`` (``from cepledger.render import plain
as render``), kept here until it imports the modules that hold them: the JSON and CSV
shapes and writers are in ``render.json_csv``, numbers, rules and ledger text in words
in ``render.words``. Nothing new goes here.
"""

from cepledger.render.json_csv import (  # noqa: F401 (re-exported for cli)
    ACTIVITY_CSV_HEADER,
    LOG_FIELDS,
    MEMBER_CSV_HEADER,
    PROBLEM_FIELDS,
    PROGRAM_CSV_HEADER,
    STATUS_CSV_HEADER,
    LogRow,
    activity_rows,
    log_json,
    member_json,
    member_row,
    period_json,
    problem_json,
    problem_row,
    program_detail_json,
    program_json,
    program_row,
    program_summary_json,
    requirement_json,
    requirement_rows,
    status_json,
    write_csv,
    write_json,
)
from cepledger.render.words import (  # noqa: F401 (re-exported for cli)
    cap_words,
    num,
    num_text,
    period_words,
    problem_line,
    requirement_words,
    shown,
)
