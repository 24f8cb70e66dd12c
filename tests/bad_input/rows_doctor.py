"""Bad-input rows for course_lib.doctor."""

from __future__ import annotations

from bad_input.table import Exempt, Row
from course_lib import doctor

_SEAM = "reads the machine; its parameters are test seams (tested in test_doctor.py)"

ROWS = [
    Row(
        doctor.Check,
        kwargs={"name": "GPU", "status": "ok", "detail": "none", "fix": ""},
        params={"name": "string", "status": "choice", "detail": "string"},
        skip={"fix": "free text, may be empty"},
    ),
    # jax: not installed in CI (answers at once), installed here (a few seconds)
    Row(
        doctor.probe_backend,
        kwargs={"name": "jax", "timeout": 120.0},
        params={"name": "choice", "timeout": "positive_number"},
    ),
    Row(doctor.nvidia_smi, kwargs={"timeout": 20.0}, params={"timeout": "positive_number"}),
    Exempt(doctor.check_backends, _SEAM),
    Exempt(doctor.check_gpu, _SEAM),
    Exempt(doctor.check_datasets, _SEAM),
    Exempt(doctor.check_jupyter, _SEAM),
    Exempt(doctor.check_grading_sandbox, _SEAM),
    Exempt(doctor.run_checks, _SEAM),
]
