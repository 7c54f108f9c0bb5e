"""Browse an integration: its repositories, and the tags of one of them.

Both lists come a page at a time (Load more). Many registries (GitLab,
registries with token auth and no catalog grant) do not list their
repositories; the dialog says so and lets the user type a repository name
to see its tags instead.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import ClassVar

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from dtr_desktop.domain.values import Integration
from dtr_desktop.registry.client import Page, repository_error
from dtr_desktop.registry.errors import CatalogNotAllowed
from dtr_desktop.services.registry_checks import RegistryChecks
from dtr_desktop.ui.messages import user_message
from dtr_desktop.ui.registry_calls import RegistryCalls

log = logging.getLogger(__name__)

Fetch = Callable[[RegistryChecks, str | None, threading.Event], Page]


class PagedList(QWidget):
    """A caption, a list, a status line and Load more, fed one page at a time.

    ``loaded`` is emitted after each page, error or cancel.
    """

    loaded = Signal()

    def __init__(
        self, caption: str, calls: RegistryCalls, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._calls = calls
        self._fetch: Fetch | None = None
        self._cursor: str | None = None
        self._cancel: threading.Event | None = None
        self.error: Exception | None = None
        self.caption = QLabel(caption)
        self.caption.setObjectName("SectionTitle")
        self.list = QListWidget()
        self.status = QLabel()
        self.status.setObjectName("Hint")
        self.status.setWordWrap(True)
        self.more_button = QPushButton("Load more")
        self.more_button.setVisible(False)
        self.more_button.clicked.connect(self.load_more)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.caption, self.list, self.status, self.more_button):
            layout.addWidget(widget)

    def items(self) -> list[str]:
        return [self.list.item(row).text() for row in range(self.list.count())]

    def has_more(self) -> bool:
        return self._cursor is not None

    def is_loading(self) -> bool:
        return self._cancel is not None

    def reload(self, fetch: Fetch) -> None:
        """Start again from the first page with ``fetch``."""
        self.cancel(quietly=True)
        self._fetch = fetch
        self._cursor = None
        self.list.clear()
        self._request(None)

    def load_more(self) -> None:
        if self._cursor is not None and self._cancel is None:
            self._request(self._cursor)

    def cancel(self, quietly: bool = False) -> None:
        if self._cancel is None:
            return
        self._cancel.set()
        self._cancel = None
        self.more_button.setEnabled(True)
        if not quietly:
            self.say("Cancelled.")
            self.loaded.emit()

    def _request(self, cursor: str | None) -> None:
        fetch = self._fetch
        if fetch is None:
            return
        self.error = None
        self.say("Loading…")
        self.more_button.setEnabled(False)
        self._cancel = self._calls.start(
            lambda checks, cancel: fetch(checks, cursor, cancel),
            self._page_arrived,
            self._failed,
        )

    def _page_arrived(self, page: Page) -> None:
        self._cancel = None
        self.list.addItems(list(page.items))
        self._cursor = page.next_cursor
        self.more_button.setVisible(page.next_cursor is not None)
        self.more_button.setEnabled(True)
        count = self.list.count()
        more = " There are more." if page.next_cursor else ""
        self.say(f"{count} shown.{more}" if count else "None found.")
        self.loaded.emit()

    def _failed(self, error: Exception) -> None:
        self._cancel = None
        self.error = error
        self.more_button.setEnabled(True)
        # No catalog is guidance (type a name); anything else is a fault.
        self.say(user_message(error), error=not isinstance(error, CatalogNotAllowed))
        self.loaded.emit()

    def say(self, text: str, *, error: bool = False) -> None:
        """The status line, in the error colour when something went wrong."""
        style = "FieldError" if error else "Hint"
        if self.status.objectName() != style:
            self.status.setObjectName(style)
            self.status.style().unpolish(self.status)
            self.status.style().polish(self.status)
        self.status.setText(text)


class BrowseDialog(QDialog):
    """Repositories on the left, tags of the chosen one on the right."""

    PAGE_SIZE: ClassVar[int] = 100

    def __init__(
        self, parent: QWidget | None, integration: Integration, calls: RegistryCalls
    ) -> None:
        super().__init__(parent)
        self.integration = integration
        self.setWindowTitle(f"Browse — {integration.name}")
        self.resize(760, 520)
        self.repositories = PagedList("Repositories", calls)
        self.tags = PagedList("Tags", calls)
        self.tags.say("Choose a repository, or type its name above.")
        self.repositories.list.currentTextChanged.connect(self._repository_chosen)
        self.repositories.loaded.connect(self._catalog_answered)
        self.finished.connect(lambda _result: self._stop())
        self._build()

    def load_repositories(self) -> None:
        item_id, size = self.integration.id, self.PAGE_SIZE
        self.repositories.reload(
            lambda checks, cursor, cancel: checks.list_repositories(
                item_id, cursor=cursor, page_size=size, cancel=cancel
            )
        )

    def show_tags(self, repository: str) -> None:
        repository = repository.strip().strip("/")
        why = repository_error(repository)
        if why:
            self.tags.list.clear()
            self.tags.say(why, error=True)
            return
        self.tags.caption.setText(f"Tags of {repository}")
        item_id, size = self.integration.id, self.PAGE_SIZE
        self.tags.reload(
            lambda checks, cursor, cancel: checks.list_tags(
                item_id, repository, cursor=cursor, page_size=size, cancel=cancel
            )
        )

    def catalog_refused(self) -> bool:
        return isinstance(self.repositories.error, CatalogNotAllowed)

    def _repository_chosen(self, repository: str) -> None:
        if repository:
            self.repository_edit.setText(repository)
            self.show_tags(repository)

    def _catalog_answered(self) -> None:
        if self.catalog_refused():
            log.info("catalog not listed by %s", self.integration.id)
            self.repository_edit.setFocus()

    def _stop(self) -> None:
        self.repositories.cancel(quietly=True)
        self.tags.cancel(quietly=True)

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 18, 22, 18)
        layout.setSpacing(10)
        typed = QHBoxLayout()
        self.repository_edit = QLineEdit()
        self.repository_edit.setObjectName("repository_edit")
        self.repository_edit.setPlaceholderText(
            "Or type a repository name, e.g. team/app"
        )
        self.repository_edit.returnPressed.connect(self._typed)
        self.show_tags_button = QPushButton("Show tags")
        self.show_tags_button.clicked.connect(self._typed)
        typed.addWidget(self.repository_edit, 1)
        typed.addWidget(self.show_tags_button)
        layout.addLayout(typed)
        lists = QHBoxLayout()
        lists.setSpacing(16)
        lists.addWidget(self.repositories, 1)
        lists.addWidget(self.tags, 1)
        layout.addLayout(lists, 1)
        close_row = QHBoxLayout()
        close_row.addStretch(1)
        self.close_button = QPushButton("Close")
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        close_row.addWidget(self.close_button)
        layout.addLayout(close_row)

    def _typed(self) -> None:
        self.show_tags(self.repository_edit.text())
