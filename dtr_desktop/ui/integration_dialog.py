"""The Add and Edit integration dialog: one form for every provider.

The dialog only collects and checks input. It emits ``submitted`` with the
draft and the password; whoever opened it runs the service call and either
closes it or hands the error back through ``show_error``, so nothing typed
is lost when saving fails.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from dtr_desktop.domain.errors import ValidationError
from dtr_desktop.domain.providers import PROVIDERS, Provider, provider_by_id
from dtr_desktop.domain.validation import (
    draft_errors,
    name_error,
    name_key,
    password_error,
)
from dtr_desktop.domain.values import Integration, IntegrationDraft, TestResult
from dtr_desktop.ui.connection_test import ConnectionTestPanel, TestForm
from dtr_desktop.ui.dialog_fit import TITLE_BAR
from dtr_desktop.ui.icons import icon
from dtr_desktop.ui.messages import Prompter, isolated, user_message
from dtr_desktop.ui.registry_calls import RegistryCalls, outcome_label
from dtr_desktop.ui.trust_panel import CaCertificateField

FIELDS = ("name", "url", "username", "password", "email")
LOCKED_TIP = "Set by your administrator's policy; it cannot be changed here."
STORED_PASSWORD_HINT = "The saved password stays unless you type a new one here."
NO_PASSWORD_HINT = "No password is saved for this integration: type one to sign in."
SIGN_IN_NOTE = "Sign-in needed: type your user name and password for this registry."
#: Room the dialog keeps when less is needed, so a message or a one-line result
#: coming and going does not move the buttons.
KEPT_SPARE_HEIGHT = 80
#: How deep the form nests widgets with layouts (a label in a row in a panel...).
LAYOUT_DEPTH = 6
#: Stands in for a name not typed yet: a connection test does not need one.
TEST_NAME = "Connection test"


class _FieldRow(QWidget):
    """A line edit with one line under it: the hint, or why it is invalid."""

    def __init__(self, edit: QLineEdit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = edit
        self.message = QLabel()
        self.message.setObjectName("Hint")
        self.message.setWordWrap(True)
        self._hint = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        layout.addWidget(edit)
        layout.addWidget(self.message)

    def set_hint(self, hint: str) -> None:
        self._hint = hint
        if self.message.objectName() == "Hint":
            self.message.setText(hint)

    def set_error(self, error: str | None) -> None:
        name = "FieldError" if error else "Hint"
        self.message.setText(error or self._hint)
        self.edit.setProperty("invalid", bool(error))
        if self.message.objectName() != name:
            self.message.setObjectName(name)
        for widget in (self.message, self.edit):
            widget.style().unpolish(widget)
            widget.style().polish(widget)

    def error_text(self) -> str:
        return self.message.text() if self.message.objectName() == "FieldError" else ""


class IntegrationDialog(QDialog):
    """Add (``integration=None``) or edit an integration."""

    submitted = Signal(object, object)

    def __init__(
        self,
        parent: QWidget | None,
        existing_names: Iterable[str],
        integration: Integration | None = None,
        registry: RegistryCalls | None = None,
    ) -> None:
        super().__init__(parent)
        self.integration = integration
        self.registry = registry
        self.prompter = Prompter(self)
        self.connection_test: ConnectionTestPanel | None = None
        self._taken = {name_key(name) for name in existing_names}
        if integration is not None:
            self._taken.discard(name_key(integration.name))
        self._touched: set[str] = set()
        self._server_errors: dict[str, str] = {}
        self._saving = False
        self._discarding = False
        self._placed = False  # shown and put in its place on the screen
        self._fit_queued = False
        self._build()
        self.installEventFilter(self)  # the notes above the form change size
        self._fill()
        self._validate()
        self._initial = self._snapshot()

    @property
    def is_edit(self) -> bool:
        return self.integration is not None

    def draft(self) -> IntegrationDraft:
        return IntegrationDraft(
            name=self.name_edit.text(),
            provider=self.provider().id,
            url=self.url_edit.text(),
            username=self.username_edit.text(),
            email=self.email_edit.text(),
            insecure=self.insecure_box.isChecked(),
            ca_cert_pem=self.ca_field.pem(),
        )

    def test_form(self) -> TestForm:
        """What Test connection checks: the URL and the credentials as typed.

        A test needs no name and no email, and an empty user name is an
        anonymous test, so those fields never keep it from running; only a
        URL it cannot use does, and that is said next to the URL field.
        """
        item_id = self.integration.id if self.integration else None
        draft = self.draft()
        test_draft = replace(
            draft,
            name=TEST_NAME if name_error(draft.name) else draft.name,
            email="",
            # An anonymous test is allowed for every type of registry.
            provider=draft.provider if draft.username.strip() else "registry",
        )
        url_problem = draft_errors(test_draft).get("url")
        if url_problem:
            self._touched.add("url")
            self._validate()
        return TestForm(
            test_draft, self.password(), item_id, url_problem, draft.provider
        )

    def has_changes(self) -> bool:
        """True when the form differs from what the dialog opened with."""
        return self._snapshot() != self._initial

    def last_test_for(
        self, draft: IntegrationDraft, password: str | None
    ) -> TestResult | None:
        """The dialog's last test, if it ran on exactly these values, to save."""
        if self.connection_test is None:
            return None
        item_id = self.integration.id if self.integration else None
        form = TestForm(draft, password, item_id)
        report = self.connection_test.result_for(form)
        return report.as_test_result() if report is not None else None

    def set_password_saved(self, saved: bool | None) -> None:
        """Say in Edit whether the keyring holds a password (None: checking).

        A policy can add an integration with neither user name nor password;
        then the dialog asks the user to sign in instead of claiming one.
        """
        if saved is None:
            self.password_edit.setPlaceholderText("Checking the system keyring…")
        elif saved:
            self.password_edit.setPlaceholderText("Saved in the system keyring")
        else:
            self.password_edit.setPlaceholderText("No password saved")
            self.rows["password"].set_hint(NO_PASSWORD_HINT)
        if saved is False and not self.username_edit.text():
            note = "" if self.managed_note.isHidden() else self.managed_note.text()
            self.managed_note.setText(f"{note} {SIGN_IN_NOTE}".strip())
            self.managed_note.setVisible(True)

    def password(self) -> str | None:
        """The typed password; in Edit, None (keep the stored one) if untouched."""
        text = self.password_edit.text()
        if self.is_edit and not text:
            return None
        return text

    def provider(self) -> Provider:
        item = self.type_list.currentItem()
        provider_id = item.data(Qt.ItemDataRole.UserRole) if item else PROVIDERS[0].id
        return provider_by_id(str(provider_id))

    def select_provider(self, provider_id: str) -> None:
        for row in range(self.type_list.count()):
            item = self.type_list.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == provider_id:
                self.type_list.setCurrentRow(row)
                return

    def errors(self) -> dict[str, str]:
        """Every field's current message, shown or not."""
        return dict(self._errors)

    def shown_error(self, field: str) -> str:
        return self.rows[field].error_text()

    def show_error(self, error: Exception) -> None:
        """A failed save: field errors go next to their fields, others on top."""
        self.set_saving(False)
        if isinstance(error, ValidationError):
            self._server_errors = dict(error.field_errors)
            self._touched.update(self._server_errors)
            loose = {k: v for k, v in error.field_errors.items() if k not in FIELDS}
            self._show_banner(" ".join(loose.values()))
        else:
            self._show_banner(user_message(error))
        self._validate()

    def reject(self) -> None:
        if not self._saving:  # a save in flight decides how this ends
            super().reject()

    def ask_to_close(self) -> None:
        """What Esc, Cancel and the window's close button do: nothing typed is
        thrown away without a yes."""
        if self._saving or self.prompter.current is not None:
            return
        if not self.has_changes():
            self.reject()
            return
        self.prompter.confirm(
            "Discard your changes?",
            "What you changed in this integration has not been saved.",
            self.reject,
            detail="Keep editing to save them.",
            yes_text="Discard changes",
        )

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and not event.modifiers():
            event.accept()
            self.ask_to_close()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        # The window's close button asks; the main window closing its
        # dialogs when it quits does not.
        if event.spontaneous() and self.has_changes() and not self._saving:
            event.ignore()
            self.ask_to_close()
            return
        super().closeEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.fit_to_screen()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # A message, a field's error or the certificate text changed size.
        if event.type() == QEvent.Type.LayoutRequest and not self._fit_queued:
            self._fit_queued = True
            QTimer.singleShot(0, self, self._queued_fit)
        return super().eventFilter(watched, event)

    def _queued_fit(self) -> None:
        self._fit_queued = False
        if self.isVisible():
            self.fit_to_screen()

    def fit_to_screen(self) -> None:
        """As tall as the form wants, never taller or lower than the screen.

        The form scrolls inside, so the buttons stay on screen however long
        the messages and certificate details under it grow. The bottom edge,
        where the buttons are, stays put: the dialog grows upwards while the
        screen has room above it, and a few lines given back keep their room,
        so the buttons do not move under the pointer with every message.
        """
        room = self._room()
        if self.maximumSize() != room.size():
            self.setMaximumSize(room.size())
        _settle_layouts()
        placed = self._placed
        width = self._fitting_width(room, placed)
        height = self._fitting_height(width, room, placed)
        frame = QRect(0, 0, width, height)
        if placed:
            frame.moveBottomLeft(self.geometry().bottomLeft())
        else:
            frame.moveCenter(self._centre())
        self._placed = self.isVisible()
        frame = _moved_into(frame, room)
        if frame != self.geometry():
            self.setGeometry(frame)

    def _fitting_width(self, room: QRect, placed: bool) -> int:
        """The form's widest line fits; otherwise the width stays as it is."""
        inner = self.form_scroll.viewport().width()
        needed = self.form_body.minimumSizeHint().width() + self.width() - inner
        if not placed:
            needed = max(needed, self.sizeHint().width())
        return min(max(self.width(), needed), room.width())

    def _fitting_height(self, width: int, room: QRect, placed: bool) -> int:
        wanted = min(self._wanted_height(width), room.height())
        spare = self.height() - wanted
        if placed and 0 <= spare <= KEPT_SPARE_HEIGHT:
            return self.height()
        return max(wanted, self.minimumHeight())

    def _wanted_height(self, width: int) -> int:
        """The dialog's height at ``width`` with the whole form in view."""
        scroll = self.form_scroll
        bar = scroll.verticalScrollBar()
        bar_width = bar.width() if bar.isVisible() else 0
        inner = scroll.viewport().width() + bar_width + width - self.width()
        form = self.form_body.heightForWidth(inner)
        if form < 0:
            form = self.form_body.sizeHint().height()
        chrome = self.height() - scroll.height()
        if not self.isVisible():
            chrome = self.sizeHint().height() - scroll.sizeHint().height()
        return form + chrome + 2

    def _centre(self) -> QPoint:
        parent = self.parentWidget()
        if parent is None:
            return self._room().center()
        return parent.window().frameGeometry().center()

    def set_saving(self, saving: bool) -> None:
        self._saving = saving
        self.save_button.setText("Saving…" if saving else "Save")
        self.cancel_button.setEnabled(not saving)
        self._validate()

    # building -----------------------------------------------------------

    def _build(self) -> None:
        edited = self.integration
        title = f"Edit “{isolated(edited.name)}”" if edited else None
        self.setWindowTitle(title or "Add integration")
        self.setMinimumSize(min(760, self._room().width()), 360)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 18, 22, 18)
        layout.setSpacing(12)
        heading = QLabel(title or "Add integration")
        heading.setObjectName("PageTitle")
        layout.addWidget(heading)
        self._add_notes(layout)
        body = QWidget()
        columns = QHBoxLayout(body)
        columns.setContentsMargins(0, 0, 6, 0)
        columns.setSpacing(20)
        columns.addLayout(self._type_column())
        columns.addLayout(self._form_column(), 1)
        layout.addWidget(self._scrolling(body), 1)
        layout.addLayout(self._button_row())

    def _scrolling(self, body: QWidget) -> QScrollArea:
        """The form scrolls; the heading above and the buttons below stay."""
        self.form_scroll = QScrollArea()
        self.form_scroll.setObjectName("FormScroll")
        self.form_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.form_scroll.setWidgetResizable(True)
        self.form_scroll.setWidget(body)
        self.form_body = body
        body.installEventFilter(self)
        return self.form_scroll

    def _room(self) -> QRect:
        """Where the dialog may lie: the screen's free part, under a title bar."""
        room = (self.parentWidget() or self).screen().availableGeometry()
        return room.adjusted(0, TITLE_BAR, 0, 0)

    def _add_notes(self, layout: QVBoxLayout) -> None:
        self.managed_note = QLabel()
        self.managed_note.setObjectName("ManagedNote")
        self.managed_note.setWordWrap(True)
        self.managed_note.setVisible(False)
        self.banner = QLabel()
        self.banner.setObjectName("ErrorBanner")
        self.banner.setWordWrap(True)
        self.banner.setVisible(False)
        self.banner.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
        )
        layout.addWidget(self.managed_note)
        layout.addWidget(self.banner)

    def _type_column(self) -> QVBoxLayout:
        column = QVBoxLayout()
        column.setSpacing(6)
        caption = QLabel("Type")
        caption.setObjectName("SectionTitle")
        self.type_list = QListWidget()
        self.type_list.setObjectName("TypeList")
        self.type_list.setFixedWidth(230)
        for provider in PROVIDERS:
            item = QListWidgetItem(provider.label)
            item.setData(Qt.ItemDataRole.UserRole, provider.id)
            item.setSizeHint(QSize(0, 34))
            self.type_list.addItem(item)
        self.type_list.setCurrentRow(0)
        self.type_list.currentRowChanged.connect(self._provider_changed)
        self._provider_shown = PROVIDERS[0]
        column.addWidget(caption)
        column.addWidget(self.type_list, 1)
        return column

    def _form_column(self) -> QVBoxLayout:
        column = QVBoxLayout()
        column.setSpacing(10)
        # A grid, not a QFormLayout: the rows hold word-wrapped messages, and
        # the grid gives each row the height its wrapped text needs.
        form = QGridLayout()
        form.setHorizontalSpacing(14)
        form.setVerticalSpacing(8)
        form.setColumnStretch(1, 1)
        self.name_edit = self._line_edit("name")
        self.url_edit = self._line_edit("url")
        self.username_edit = self._line_edit("username")
        self.password_edit = self._line_edit("password")
        self.email_edit = self._line_edit("email")
        edits = (
            self.name_edit,
            self.url_edit,
            self.username_edit,
            self.password_edit,
            self.email_edit,
        )
        self.rows = {
            field: _FieldRow(edit) for field, edit in zip(FIELDS, edits, strict=True)
        }
        self.insecure_box = QCheckBox("Insecure registry (plain http)")
        self.insecure_box.toggled.connect(lambda _on: self._edited("url"))
        self.ca_field = CaCertificateField()
        self.ca_field.changed.connect(lambda: self._edited("ca_cert_pem"))
        self._add_form_rows(form)
        column.addLayout(form)
        column.addWidget(self._usage_box())
        self._add_connection_test(column)
        column.addStretch(1)
        return column

    def _line_edit(self, field: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(f"{field}_edit")
        edit.textEdited.connect(lambda _text: self._edited(field))
        edit.editingFinished.connect(lambda: self._left(field, edit))
        return edit

    def _add_form_rows(self, form: QGridLayout) -> None:
        # No maxLength: a longer pasted name stays whole and the field says
        # how long it may be, instead of silently losing its end.
        self.url_edit.setPlaceholderText("https://")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.show_password_action = QAction(icon("eye"), "Show password", self)
        self.show_password_action.setCheckable(True)
        self.show_password_action.toggled.connect(self._show_password)
        self.password_edit.addAction(
            self.show_password_action, QLineEdit.ActionPosition.TrailingPosition
        )
        self.email_edit.setPlaceholderText("Optional")
        self.field_labels = {
            "name": QLabel("Integration name"),
            "url": QLabel("Registry URL"),
            "username": QLabel("Username"),
            "password": QLabel("Password"),
            "email": QLabel("Email"),
        }
        rows: list[tuple[QLabel | None, QWidget]] = []
        for field in FIELDS:
            rows.append((self.field_labels[field], self.rows[field]))
            if field == "url":
                rows.append((None, self.insecure_box))
        rows.append((QLabel("CA certificate"), self.ca_field))
        label_alignment = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop
        for row, (label, field_widget) in enumerate(rows):
            if label is not None:
                # Level with the text in the line edit beside it.
                label.setContentsMargins(0, 6, 0, 0)
                form.addWidget(label, row, 0, label_alignment)
            form.addWidget(field_widget, row, 1)

    def _usage_box(self) -> QWidget:
        box = QWidget()
        box.setObjectName("UsageBox")
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.setSpacing(4)
        caption = QLabel("Used by subscriptions")
        caption.setObjectName("SectionTitle")
        self.usage_label = QLabel()
        self.usage_label.setWordWrap(True)
        note = QLabel(
            "Subscriptions attach and detach integrations in their own "
            "Settings → Integrations."
        )
        note.setObjectName("Hint")
        note.setWordWrap(True)
        for widget in (caption, self.usage_label, note):
            layout.addWidget(widget)
        box.setVisible(self.is_edit)
        return box

    def _add_connection_test(self, column: QVBoxLayout) -> None:
        if self.registry is None:
            self.ca_field.set_fetch_visible(False)
            return
        panel = ConnectionTestPanel(self.registry, self.test_form)
        panel.trust_requested.connect(self._trust_certificate)
        panel.finished.connect(lambda _state: self.fit_to_screen())
        panel.url_refused.connect(self._url_refused)
        self.ca_field.fetch_requested.connect(panel.fetch_ca)
        self.finished.connect(lambda _result: panel.cancel())
        self.connection_test = panel
        column.addWidget(panel)

    def _url_refused(self) -> None:
        self.url_edit.setFocus()
        self.fit_to_screen()

    def _trust_certificate(self, pem: str) -> None:
        """The user trusts the offered CA: keep it in the form and test again."""
        self.ca_field.set_pem(pem)
        if self.connection_test is not None:
            self.connection_test.start()

    def _button_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.extra_buttons = QHBoxLayout()  # e.g. "Test connection"
        row.addLayout(self.extra_buttons)
        if self.connection_test is not None:
            for widget in self.connection_test.buttons():
                self.extra_buttons.addWidget(widget)
        row.addStretch(1)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.ask_to_close)
        self.save_button = QPushButton("Save")
        self.save_button.setObjectName("Primary")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self._submit)
        row.addWidget(self.cancel_button)
        row.addWidget(self.save_button)
        return row

    # filling ------------------------------------------------------------

    def _fill(self) -> None:
        item = self.integration
        if item is None:
            self._apply_provider(PROVIDERS[0])
            self.name_edit.setFocus()
            return
        self.select_provider(item.provider)
        self.type_list.setEnabled(False)
        self.type_list.setToolTip("The type of a saved integration stays as it is.")
        self.name_edit.setText(item.name)
        self.url_edit.setText(item.url)
        self.username_edit.setText(item.username)
        self.email_edit.setText(item.email)
        self.insecure_box.setChecked(item.insecure)
        self.ca_field.set_pem(item.ca_cert_pem)
        self.password_edit.setPlaceholderText("Saved in the system keyring")
        self._touched.update(FIELDS)
        self._touched.discard("password")
        self._fill_usage(item)
        self._apply_provider(self.provider())
        self._apply_policy(item)

    def _fill_usage(self, item: Integration) -> None:
        if item.subscriptions:
            self.usage_label.setText(", ".join(item.subscriptions))
        else:
            self.usage_label.setText("None yet.")

    def _apply_policy(self, item: Integration) -> None:
        if not item.managed:
            return
        text = "Managed by your administrator's policy."
        if item.locked:
            text += " Its name, type and URL are locked; you can change the "
            text += "user name, password and email."
        self.managed_note.setText(text)
        self.managed_note.setVisible(True)
        if item.locked:
            for widget in (
                self.name_edit,
                self.url_edit,
                self.insecure_box,
                self.ca_field,
            ):
                widget.setEnabled(False)
                widget.setToolTip(LOCKED_TIP)
            self.type_list.setToolTip(LOCKED_TIP)

    def _provider_changed(self, _row: int) -> None:
        self._apply_provider(self.provider())
        self._validate()

    def _apply_provider(self, provider: Provider) -> None:
        previous = self._provider_shown
        url = self.url_edit.text().strip()
        if not self.is_edit and url in ("", previous.default_url):
            self.url_edit.setText(provider.default_url)
        self._provider_shown = provider
        self.rows["url"].set_hint(provider.url_hint)
        self.rows["username"].set_hint(provider.username_hint)
        hint = provider.password_hint
        if self.is_edit:
            hint = f"{STORED_PASSWORD_HINT} {hint}."
        self.rows["password"].set_hint(hint)
        self.rows["name"].set_hint("A name you recognise, e.g. Production DTR.")
        self.rows["email"].set_hint("Optional; a few registries ask for it at login.")
        if self.registry is not None:
            self.ca_field.set_fetch_visible(provider.id == "dtr")
        optional = " (optional)" if provider.anonymous_allowed else ""
        self.field_labels["username"].setText(f"Username{optional}")
        self.field_labels["password"].setText(f"Password{optional}")

    # checking -----------------------------------------------------------

    def _edited(self, field: str) -> None:
        panel = self.connection_test
        if panel is not None and panel.isVisible():
            panel.form_changed()
            if not panel.isVisible():  # the result went: give its room back
                self.fit_to_screen()
        self._touched.add(field)
        self._server_errors.pop(field, None)
        self._validate()

    def _left(self, field: str, edit: QLineEdit) -> None:
        if edit.text():
            self._touched.add(field)
            self._validate()

    def _validate(self) -> None:
        errors = draft_errors(self.draft())
        errors.update(self._local_errors())
        errors.update(self._server_errors)
        self._errors = errors
        for field, row in self.rows.items():
            shown = errors.get(field) if field in self._touched else None
            row.set_error(shown)
        self.save_button.setEnabled(not errors and not self._saving)

    def _local_errors(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        name = self.name_edit.text()
        if name_error(name) is None and name_key(name) in self._taken:
            errors["name"] = (
                f"An integration named “{isolated(name.strip())}” already exists."
            )
        password = self.password()
        if password is not None:
            why = password_error(password, self.username_edit.text())
            if why:
                errors["password"] = why
        ca_error = self.ca_field.error()
        if ca_error:
            errors["ca_cert_pem"] = ca_error
        return errors

    def _submit(self) -> None:
        self._touched.update(FIELDS)
        self._validate()
        if self._errors or self._saving:
            return
        panel = self.connection_test
        if panel is not None and panel.needs_confirmation():
            self.prompter.confirm(
                "Save anyway?",
                f"The last connection test did not pass: {_last_outcome(panel)}.",
                self._save_now,
                detail="You can save now and fix the integration later; builds "
                "that use it may fail until then.",
                yes_text="Save anyway",
            )
            return
        self._save_now()

    def _save_now(self) -> None:
        self.banner.setVisible(False)
        self.set_saving(True)
        self.submitted.emit(self.draft(), self.password())

    def _show_banner(self, text: str) -> None:
        self.banner.setText(text)
        self.banner.setVisible(bool(text))

    def _snapshot(self) -> tuple[IntegrationDraft, str]:
        return self.draft(), self.password_edit.text()

    def _show_password(self, shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        self.password_edit.setEchoMode(mode)
        self.show_password_action.setIcon(icon("eye-off" if shown else "eye"))
        self.show_password_action.setText("Hide password" if shown else "Show password")


def _settle_layouts() -> None:
    """Let every pending layout request run, the nested ones too.

    A layout that settles asks its parent to settle next, and Qt handles
    only the requests already waiting when it is asked: one round left the
    form's height a line short, and the result under the scroll bar.
    """
    for _round in range(LAYOUT_DEPTH):
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)


def _moved_into(frame: QRect, room: QRect) -> QRect:
    """``frame`` moved up or in as little as it takes to lie inside ``room``."""
    left = max(min(frame.left(), room.right() + 1 - frame.width()), room.left())
    top = max(min(frame.top(), room.bottom() + 1 - frame.height()), room.top())
    return QRect(QPoint(left, top), frame.size())


def _last_outcome(panel: ConnectionTestPanel) -> str:
    if panel.report is None:
        return "it could not run"
    return outcome_label(panel.report.outcome.value).lower()
