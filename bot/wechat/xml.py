"""WeChat's flat XML documents read into ``{tag: text}``, with expat guarded as defusedxml guards it.

The documents are an ``<xml>`` root whose children carry the values, sometimes one level deeper
(``<ScanCodeInfo><ScanResult>…``). ``xml_fields`` reads them as ``parse_xml_fields`` always has
(bot/wechat/messages.py): a child's text as sent ("" when empty), a grandchild's as ``"Child.Grand"``
(first wins), deeper levels and attributes ignored, a repeated child refused. One exception to
"deeper levels ignored": the repeated ``<List>`` items of subscribe-message events
(``<SubscribeMsgPopupEvent><List><TemplateId>…``) are read as ``"Child.List.N.Name"`` (N from 0,
at most MAX_LIST_ITEMS items, first of a name wins within an item).

Why not ``defusedxml.ElementTree.fromstring``: to install its guards defusedxml must use the
pure-Python ``XMLParser`` (it blocks the C accelerator), which runs several Python calls per tag
to build a tree we only walk once. Under the callback benchmark the two parses of a safe-mode
message (envelope, then the decrypted message) were ~13% of a worker's CPU. Here the same parser
(expat, through the standard library's pyexpat) gets the same guards defusedxml installs —
``forbid_dtd``, ``forbid_entities``, ``forbid_external``, raising defusedxml's own
``DTDForbidden``, ``EntitiesForbidden`` and ``ExternalReferenceForbidden`` — and the fields are
collected as they stream past, with no tree. A handler that raises stops expat at once (a
billion-laughs body is refused at its DOCTYPE, before any entity is declared). Names are
namespace-expanded as ElementTree does (``{uri}tag``), so a namespaced root is not ``<xml>``.
tests/test_wxxml.py checks the result against defusedxml's tree on generated documents.
"""

from __future__ import annotations

from typing import Any, NoReturn
from xml.parsers import expat

from defusedxml.common import DefusedXmlException, DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden

ROOT = "xml"
LIST = "List"
MAX_LIST_ITEMS = 50


class XmlRefused(ValueError):
    """The document is not well-formed, declares a DTD or entities, or is not WeChat's shape."""


def _forbid_dtd(name: str, sysid: str | None, pubid: str | None, _has_internal_subset: bool) -> NoReturn:
    raise DTDForbidden(name, sysid, pubid)


def _forbid_entity(  # noqa: PLR0913, PLR0917 - the parameters expat passes
        name: str, _is_param: bool, value: str | None, base: str | None, sysid: str | None, pubid: str | None,
        notation: str | None = None) -> NoReturn:
    raise EntitiesForbidden(name, value, base, sysid, pubid, notation)


def _forbid_unparsed_entity(name: str, base: str | None, sysid: str | None, pubid: str | None,
                            notation: str | None) -> NoReturn:
    raise EntitiesForbidden(name, None, base, sysid, pubid, notation)


def _forbid_external(context: str, base: str | None, sysid: str | None, pubid: str | None) -> NoReturn:
    raise ExternalReferenceForbidden(context, base, sysid, pubid)


class _Fields:
    """Expat's handlers for one document. `awaiting` is the key whose text is being read: an
    element's text ends at its first child or its end tag, whichever comes first."""

    __slots__ = ("awaiting", "depth", "fields", "item", "items", "text", "top")

    def __init__(self) -> None:
        self.depth, self.top, self.awaiting, self.item = 0, "", "", ""
        self.fields: dict[str, str] = {}
        self.text: list[str] = []
        self.items: dict[str, int] = {}  # <List> items seen per child

    def start(self, tag: str, _attrs: Any) -> None:
        if self.awaiting:
            self.fields[self.awaiting], self.awaiting = "".join(self.text), ""
        self.text.clear()
        self.depth += 1
        name = "{" + tag if "}" in tag else tag  # expat says "uri}tag"; ElementTree "{uri}tag"
        if self.depth == 2:  # noqa: PLR2004 - a child of the root
            if name in self.fields:
                raise XmlRefused(f"repeated element <{name}>")
            self.top = self.awaiting = name
            self.fields[name] = ""
        elif self.depth == 3:  # noqa: PLR2004 - a grandchild: first of its name wins
            key = f"{self.top}.{name}"
            if key not in self.fields:
                self.fields[key], self.awaiting = "", key
            self.item = self._list_item() if name == LIST else ""
        elif self.depth == 4 and self.item:  # noqa: PLR2004 - a value inside a <List> item
            key = f"{self.item}.{name}"
            if key not in self.fields:
                self.fields[key], self.awaiting = "", key
        elif self.depth == 1 and name != ROOT:
            raise XmlRefused("root element must be <xml>")

    def _list_item(self) -> str:
        n = self.items.get(self.top, 0)
        self.items[self.top] = n + 1
        return f"{self.top}.{LIST}.{n}" if n < MAX_LIST_ITEMS else ""

    def end(self, _tag: str) -> None:
        if self.awaiting:
            self.fields[self.awaiting], self.awaiting = "".join(self.text), ""
        self.text.clear()
        if self.depth == 3:  # noqa: PLR2004 - leaving a grandchild (a <List> item or not)
            self.item = ""
        self.depth -= 1


def xml_fields(text: str) -> dict[str, str]:
    """The fields of a WeChat XML document (already decoded). Raises XmlRefused."""
    parser = expat.ParserCreate(None, "}")
    parser.StartDoctypeDeclHandler = _forbid_dtd
    parser.EntityDeclHandler = _forbid_entity
    parser.UnparsedEntityDeclHandler = _forbid_unparsed_entity
    parser.ExternalEntityRefHandler = _forbid_external
    parser.buffer_text = True
    doc = _Fields()
    parser.StartElementHandler, parser.EndElementHandler = doc.start, doc.end
    parser.CharacterDataHandler = doc.text.append
    try:
        parser.Parse(text, True)
    except (expat.ExpatError, DefusedXmlException) as exc:
        raise XmlRefused(type(exc).__name__) from exc
    return doc.fields
