"""Services: the data of the one window, split by topic; import models from here."""

from services.models.applications import *  # noqa: F403
from services.models.appointments import *  # noqa: F403
from services.models.catalog import *  # noqa: F403
from services.models.catalog import _check_pairs, code_validator, default_delivery_options  # noqa: F401
from services.models.evaluations import *  # noqa: F403
from services.models.hall import *  # noqa: F403
from services.models.points import *  # noqa: F403
from services.models.queue import *  # noqa: F403
