"""The immutable tables an emulator's Services start from: ``HANDLERS`` maps each emulated IMM action to
its handler, ``TASK_KINDS`` each asynchronous task type to what runs it. Each emulator copies them, so
nothing registered at run time is shared between two emulators in one process."""

from types import MappingProxyType

from . import media_meta, projects, tasks, video_labels
from .registry import Handler

HANDLERS: MappingProxyType[str, Handler] = MappingProxyType(
    {
        "CreateProject": projects.create_project,
        "GetProject": projects.get_project,
        "ListProjects": projects.list_projects,
        "UpdateProject": projects.update_project,
        "DeleteProject": projects.delete_project,
        "DetectMediaMeta": media_meta.detect,
        "CreateVideoLabelClassificationTask": video_labels.create_task,
        "GetVideoLabelClassificationResult": video_labels.get_result,
        "GetTask": tasks.get_task,
        "ListTasks": tasks.list_tasks,
    }
)
TASK_KINDS = MappingProxyType({video_labels.TASK_TYPE: video_labels.KIND})

__all__ = ["HANDLERS", "TASK_KINDS"]
