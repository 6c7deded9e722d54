"""bot.wechat.xml: the streaming reader agrees with defusedxml's tree, and its guards stop at once."""

from __future__ import annotations

import time
from xml.etree.ElementTree import ParseError

import defusedxml.ElementTree as safe_et
import pytest
from defusedxml.common import DefusedXmlException, DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.wechat.xml import MAX_LIST_ITEMS, XmlRefused, xml_fields
from tests.support.wxclient import fixture_bytes


def tree_fields(text: str) -> dict[str, str] | None:
    """The reference: what parse_xml_fields read from defusedxml's tree before bot/wechat/xml.py (None: refused)."""
    try:
        root = safe_et.fromstring(text, forbid_dtd=True)
    except (ParseError, DefusedXmlException):
        return None
    if root.tag != "xml":
        return None
    fields: dict[str, str] = {}
    for child in root:
        if child.tag in fields:
            return None
        fields[child.tag] = child.text or ""
        items = 0
        for grand in child:
            fields.setdefault(f"{child.tag}.{grand.tag}", grand.text or "")
            if grand.tag == "List":  # subscribe-message events: every item's values
                for value in grand if items < MAX_LIST_ITEMS else ():
                    fields.setdefault(f"{child.tag}.List.{items}.{value.tag}", value.text or "")
                items += 1
    return fields


def streamed_fields(text: str) -> dict[str, str] | None:
    try:
        return xml_fields(text)
    except XmlRefused:
        return None


# ---- generated documents: tags that repeat and nest, namespaces, mixed content, odd markup ----

TAGS = st.sampled_from(["A", "B", "C", "D", "A.B", "Content", "xml", "p:C", "List"])
ATTRS = st.sampled_from(["", "", "", ' a="1"', ' xmlns="urn:x"', ' xmlns:p="urn:p"', " a='&amp;'"])
TEXT = st.text(alphabet=st.characters(exclude_characters="<&", exclude_categories=["Cs", "Cc"]), max_size=8)
ANY_TEXT = st.text(alphabet=st.characters(exclude_characters="<&", exclude_categories=["Cs"]), max_size=8)
PIECES = st.one_of(
    TEXT, TEXT, TEXT, ANY_TEXT,
    st.text(alphabet=st.characters(exclude_characters="]", exclude_categories=["Cs"]), max_size=8).map(
        lambda t: f"<![CDATA[{t}]]>"),
    st.sampled_from(["&amp;", "&lt;", "&#20013;", "&#x41;", "<!-- c -->", "<?pi x?>", " ", "\n", "&bogus;", "]]>"]),
)


def element(depth: int) -> st.SearchStrategy[str]:
    children = PIECES if depth >= 4 else st.one_of(PIECES, st.deferred(lambda: element(depth + 1)))  # noqa: PLR2004
    return st.builds(lambda tag, attrs, parts: f"<{tag}{attrs}>{''.join(parts)}</{tag}>",
                     TAGS, ATTRS, st.lists(children, max_size=5))


DOCUMENTS = st.builds(
    lambda prolog, root, attrs, parts, trailer: f"{prolog}<{root}{attrs}>{''.join(parts)}</{root}>{trailer}",
    st.sampled_from(["", '<?xml version="1.0" encoding="UTF-8"?>', "<!-- c -->", " "]),
    st.sampled_from(["xml"] * 8 + ["Root", "p:xml"]), ATTRS,
    st.lists(st.one_of(PIECES, element(2)), max_size=8),
    st.sampled_from(["", "", "", "", " ", "\n", "<x/>", "junk"]),
)


@settings(max_examples=1500, deadline=None)
@given(DOCUMENTS)
def test_the_fields_are_those_of_defusedxmls_tree(text: str) -> None:
    assert streamed_fields(text) == tree_fields(text)


@pytest.mark.parametrize("text", [
    "<xml><A>a<B>b</B>tail<B>second</B></A><C><![CDATA[x]]>y&amp;<D/>z</C></xml>",
    "<xml><A.B>1</A.B><A><B>2</B></A></xml>",  # a grandchild named like an earlier child: first wins
    "<xml><A><B>2</B></A><A.B>1</A.B></xml>",  # a child named like an earlier grandchild: repeated
    '<xml xmlns="urn:x"><A>1</A></xml>', "<xml><p:A xmlns:p='urn:p'>1</p:A></xml>",
    "<xml><A><B><C>deep</C>after</B></A></xml>", "<xml>\n  <A> spaced </A>\n</xml>",
])
def test_the_fields_of_awkward_documents(text: str) -> None:
    assert streamed_fields(text) == tree_fields(text)


def test_a_wechat_message() -> None:
    text = ("<xml><ToUserName><![CDATA[gh_1]]></ToUserName><CreateTime>1700000000</CreateTime>"
            "<Content><![CDATA[红包]]></Content><ScanCodeInfo><ScanType>qrcode</ScanType></ScanCodeInfo></xml>")
    assert xml_fields(text) == {"ToUserName": "gh_1", "CreateTime": "1700000000", "Content": "红包",
                                "ScanCodeInfo": "", "ScanCodeInfo.ScanType": "qrcode"}


# ---- the guards: defusedxml's, stopping expat at once ---------------------------------------


@pytest.mark.parametrize(("name", "cause"), [
    ("hostile_billion_laughs.xml", DTDForbidden), ("hostile_xxe_file.xml", DTDForbidden),
    ("hostile_xxe_parameter.xml", DTDForbidden), ("hostile_doctype_only.xml", DTDForbidden),
])
def test_a_doctype_is_refused_before_anything_in_it_runs(name: str, cause: type[Exception]) -> None:
    started = time.perf_counter()
    with pytest.raises(XmlRefused) as err:
        xml_fields(fixture_bytes(name).decode())
    assert isinstance(err.value.__cause__, cause)
    assert time.perf_counter() - started < 0.5  # noqa: PLR2004 - a hang guard (a loaded CI machine): the cause says where


def test_entity_declarations_are_refused_by_their_own_guard() -> None:
    """The DOCTYPE guard comes first in any document; the entity guards are checked on their own."""
    import bot.wechat.xml as wxxml

    with pytest.raises(EntitiesForbidden):
        wxxml._forbid_entity("e", False, "v", None, None, None)  # noqa: SLF001
    with pytest.raises(EntitiesForbidden):
        wxxml._forbid_unparsed_entity("e", None, "s", None, "n")  # noqa: SLF001
    with pytest.raises(ExternalReferenceForbidden):
        wxxml._forbid_external("ctx", None, "file:///etc/passwd", None)  # noqa: SLF001


@pytest.mark.parametrize("text", ["", "<notxml/>", "<xml>", "<xml/>trailing", "<xml><A>1</A><A>2</A></xml>",
                                  "<xml>\x01</xml>", "<xml><A>&bogus;</A></xml>", "<p:xml/>"])
def test_malformed_documents_are_refused(text: str) -> None:
    with pytest.raises(XmlRefused):
        xml_fields(text)
