"""Scripts replayed and compared line for line: through the real CLI in a subprocess (the
slow set, CI) and through the replay function in this process (the default run)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from tests import replaying
from tests.replaying import call, error_line

if TYPE_CHECKING:
    from collections.abc import Callable

T = 1_700_000_000
CREATE_DRAFT = call(
    T,
    "POST",
    "/v1/invoices",
    body={"draft": "1", "line_items": [{"name": "Book", "amount": 400}]},
)
ISSUED_WITH_CONTACTLESS_CUSTOMER = call(
    T,
    "POST",
    "/v1/invoices",
    body={"customer": {"name": "Ravi"}, "line_items": [{"name": "Book", "amount": 400}]},
)


@pytest.fixture(params=["in-process", pytest.param("process", marks=pytest.mark.slow)])
def run_cli(request: pytest.FixtureRequest) -> Callable[[str], list[str]]:
    """The same script, the same expected lines: the CLI's process or the replay function."""
    return replaying.run_cli if request.param == "process" else replaying.run_in_process


def test_every_endpoints_not_found(run_cli: Callable[[str], list[str]]) -> None:
    paths = [
        ("GET", "/v1/invoices/inv_x"),
        ("PATCH", "/v1/invoices/inv_x"),
        ("DELETE", "/v1/invoices/inv_x"),
        ("POST", "/v1/invoices/inv_x/issue"),
        ("POST", "/v1/invoices/inv_x/cancel"),
        ("POST", "/v1/invoices/inv_x/notify_by/sms"),
        ("POST", "/sim/invoices/inv_x/payments"),
        ("POST", "/sim/invoices/inv_x/notifications/sms/sent"),
    ]

    lines = run_cli("\n".join(call(T, method, path, body={}) for method, path in paths))

    assert lines == [error_line("The id provided does not exist", "id")] * len(paths)


def test_operation_not_allowed_and_notify_checks(run_cli: Callable[[str], list[str]]) -> None:
    script = [
        ISSUED_WITH_CONTACTLESS_CUSTOMER,
        call(T + 1, "POST", "/v1/invoices/inv_00000000000001/issue"),
        call(T + 2, "DELETE", "/v1/invoices/inv_00000000000001"),
        call(T + 3, "POST", "/v1/invoices/inv_00000000000001/notify_by/fax"),
        call(T + 4, "POST", "/v1/invoices/inv_00000000000001/notify_by/sms"),
        call(T + 5, "POST", "/v1/invoices/inv_00000000000001/notify_by/email"),
        call(T + 6, "POST", "/v1/invoices/inv_00000000000001/cancel"),
        call(T + 7, "POST", "/v1/invoices/inv_00000000000001/notify_by/sms"),
        call(T + 8, "PATCH", "/v1/invoices/inv_00000000000001", body={"terms": "x"}),
    ]

    lines = run_cli("\n".join(script))

    assert json.loads(lines[0])["body"]["status"] == "issued"
    assert lines[1:] == [
        error_line("Operation not allowed for Invoice in issued status."),
        error_line("Operation not allowed for Invoice in issued status."),
        error_line("fax is not a valid communication medium.", "medium"),
        error_line("SMS can not be sent since contact number has not been provided.", "medium"),
        error_line("Email can not be sent since email address has not been provided.", "medium"),
        lines[6],
        error_line("Operation not allowed for Invoice in cancelled status."),
        error_line("terms is/are not required and should not be sent", "terms"),
    ]
    assert json.loads(lines[6])["body"]["status"] == "cancelled"


def test_count_skip_and_query_errors(run_cli: Callable[[str], list[str]]) -> None:
    queries = [{"count": 0}, {"count": "101"}, {"skip": -1}, {"count": "x"}, {"deleted": 1}]

    lines = run_cli("\n".join(call(T, "GET", "/v1/invoices", query=q) for q in queries))

    assert lines == [
        error_line("The count must be at least 1.", "count"),
        error_line("The count may not be greater than 100.", "count"),
        error_line("The skip must be at least 0.", "skip"),
        error_line("The count must be an integer.", "count"),
        error_line("deleted is/are not required and should not be sent", "deleted"),
    ]


def test_receipt_uniqueness_is_held_and_freed(run_cli: Callable[[str], list[str]]) -> None:
    script = [
        call(T, "POST", "/v1/invoices", body={"draft": "1", "receipt": "R-1"}),
        call(T + 1, "POST", "/v1/invoices", body={"draft": "1", "invoice_number": "R-1"}),
        call(T + 2, "POST", "/v1/invoices", body={"draft": "1"}),
        call(T + 3, "PATCH", "/v1/invoices/inv_00000000000002", body={"receipt": "R-1"}),
        call(T + 4, "DELETE", "/v1/invoices/inv_00000000000001"),
        call(T + 5, "PATCH", "/v1/invoices/inv_00000000000002", body={"receipt": "R-1"}),
    ]

    lines = run_cli("\n".join(script))

    duplicate = error_line("receipt must be unique for each item : R-1", "receipt")
    assert lines[1] == duplicate
    assert lines[3] == duplicate
    assert lines[4] == '{"status": 200, "body": []}'
    assert json.loads(lines[5])["body"]["receipt"] == "R-1"


def test_malformed_lines_clocks_and_unknown_paths_do_not_stop_the_script(
    run_cli: Callable[[str], list[str]],
) -> None:
    script = [
        "{not json",
        "[1, 2]",
        json.dumps({"method": "GET", "path": "/v1/invoices"}),
        json.dumps({"at": T, "path": "/v1/invoices"}),
        json.dumps({"at": T, "method": "GET"}),
        json.dumps({"at": "now", "method": "GET", "path": "/v1/invoices"}),
        json.dumps({"at": T, "method": "GET", "path": "/v1/invoices", "verb": "x"}),
        call(T + 10, "GET", "/v1/invoices"),
        call(T + 5, "GET", "/v1/invoices"),
        call(T + 10, "PUT", "/v1/invoices"),
        call(T + 10, "GET", "/v2/invoices"),
        "[" * 100_000,
        "",
        call(T + 11, "GET", "/v1/invoices", comment="still going"),
    ]

    lines = run_cli("\n".join(script))

    empty = '{"status": 200, "body": {"entity": "collection", "count": 0, "items": []}}'
    not_found = error_line("The requested URL was not found on the server.", None, 404)
    assert lines == [
        error_line("The line is not valid JSON."),
        error_line("The line must be an object.", "line"),
        error_line("The at field is required.", "at"),
        error_line("The method field is required.", "method"),
        error_line("The path field is required.", "path"),
        error_line("The at must be an integer.", "at"),
        error_line("verb is/are not required and should not be sent", "verb"),
        empty,
        error_line("The at may not be before the previous call's at (1700000010).", "at"),
        not_found,
        not_found,
        error_line("The line is not valid JSON."),
        empty,
    ]


def test_a_failed_call_allocates_no_id(run_cli: Callable[[str], list[str]]) -> None:
    script = [
        call(T, "POST", "/v1/invoices", body={"line_items": [{"name": "Book", "amount": 400}]}),
        CREATE_DRAFT,
    ]

    lines = run_cli("\n".join(script))

    assert lines[0] == error_line("customer is required.", "customer")
    assert json.loads(lines[1])["body"]["id"] == "inv_00000000000001"
    assert json.loads(lines[1])["body"]["line_items"][0]["id"] == "li_00000000000001"


def test_delete_and_notify_bodies_and_payments(run_cli: Callable[[str], list[str]]) -> None:
    script = [
        call(
            T,
            "POST",
            "/v1/invoices",
            body={
                "customer": {"name": "Ravi", "contact": "+919000000000"},
                "partial_payment": True,
                "line_items": [{"name": "Book", "amount": 400}],
            },
        ),
        call(T + 1, "POST", "/v1/invoices/inv_00000000000001/notify_by/sms"),
        call(
            T + 2,
            "POST",
            "/sim/invoices/inv_00000000000001/payments",
            body={"amount": 500, "payment_id": "pay_1"},
        ),
        call(
            T + 3,
            "POST",
            "/sim/invoices/inv_00000000000001/payments",
            body={"amount": "1", "payment_id": "pay_1"},
        ),
        call(
            T + 4,
            "POST",
            "/sim/invoices/inv_00000000000001/payments",
            body={"amount": 400, "payment_id": "pay_1"},
        ),
        call(
            T + 5,
            "POST",
            "/sim/invoices/inv_00000000000001/payments",
            body={"amount": 1, "payment_id": "pay_2"},
        ),
        call(T + 6, "GET", "/v1/invoices", query={"payment_id": "pay_1"}),
    ]

    lines = run_cli("\n".join(script))

    assert lines[1] == '{"status": 200, "body": {"success": true}}'
    assert lines[2] == error_line(
        "Payment amount is greater than the amount due for order", "amount"
    )
    assert lines[3] == error_line("The amount must be an integer.", "amount")
    assert json.loads(lines[4])["body"]["status"] == "paid"
    assert lines[5] == error_line("Invoice is not payable in paid status.")
    assert json.loads(lines[6])["body"]["count"] == 1


def test_the_reference_errors_a_new_integration_meets(run_cli: Callable[[str], list[str]]) -> None:
    issued = {"customer": {"name": "Ravi"}, "line_items": [{"name": "Book", "amount": 400}]}
    script = [
        call(T, "POST", "/v1/invoices", body=issued),
        call(
            T,
            "POST",
            "/sim/invoices/inv_00000000000001/payments",
            body={"amount": 100, "payment_id": "pay_1"},
        ),
        call(
            T,
            "POST",
            "/v1/invoices",
            body={
                **issued,
                "currency": "USD",
                "line_items": [{"name": "B", "amount": 400, "currency": "INR"}],
            },
        ),
        call(
            T, "POST", "/v1/invoices", body={"draft": "1", "customer_id": "cust_1", "customer": {}}
        ),
        call(T, "POST", "/v1/invoices", body={"draft": "1", "amount": 100}),
        call(T, "POST", "/v1/invoices", body={"draft": "1", "first_payment_min_amount": 100}),
        call(T, "POST", "/v1/invoices", body={"draft": "1", "type": "link"}),
        call(
            T,
            "POST",
            "/v1/invoices",
            body={"draft": "1", "line_items": [{"name": "x", "amount": 100}] * 51},
        ),
        call(
            T, "POST", "/v1/invoices", body={"draft": "1", "notes": {str(n): n for n in range(16)}}
        ),
        call(T, "POST", "/v1/invoices", body={"draft": "1", "notes": {"k" * 256: 1}}),
        call(T, "POST", "/v1/invoices", body={"draft": "1", "notes": {"k": "v" * 513}}),
        call(T, "POST", "/v1/invoices", body={"draft": "1", "notes": {"k": [1]}}),
        call(T, "POST", "/v1/invoices", body={"draft": "1", "notes": "text"}),
        call(
            T,
            "POST",
            "/v1/invoices",
            body={
                "draft": "1",
                "line_items": [{"name": "x", "amount": 100, "hsn_code": "1", "sac_code": "2"}],
            },
        ),
        call(T, "POST", "/v1/items", body={"name": "Old", "amount": 100, "active": False}),
        call(
            T,
            "POST",
            "/v1/invoices",
            body={"draft": "1", "line_items": [{"item_id": "item_00000000000001"}]},
        ),
        call(T, "POST", "/v1/invoices", body={"draft": "1"}),
        call(T, "PATCH", "/v1/invoices/inv_00000000000002", body={"line_items": []}),
        call(T, "POST", "/sim/invoices/inv_00000000000001/notifications/sms/sent"),
        call(T, "POST", "/sim/invoices/inv_00000000000001/notifications/fax/sent"),
    ]

    lines = run_cli("\n".join(script))

    assert lines[1:] == [
        error_line(
            "Your payment amount is different from your order amount. "
            "To pay successfully, please try using right amount.",
            "amount",
        ),
        error_line(
            "Currency of all items should be the same as of the invoice.", "line_items[0].currency"
        ),
        error_line("Either of customer_id or customer must be sent in input", "customer_id"),
        error_line("amount can be only sent for ecod or link types.", "amount"),
        error_line(
            "First payment min amount can be only sent for ecod or link types.",
            "first_payment_min_amount",
        ),
        error_line("Not a valid type: link", "type"),
        error_line("The invoice may not have more than 50 items in total.", "line_items"),
        error_line("Number of fields in notes should be less than or equal to 15", "notes"),
        error_line("Notes key cannot be greater 255 characters", "notes"),
        error_line("Notes value cannot be greater 512 characters", "notes"),
        error_line("Notes values themselves should not be an array", "notes"),
        error_line("Notes should be provided as a dictionary", "notes"),
        error_line("Both hsn_code and sac_code cannot be present", "line_items[0].hsn_code"),
        lines[14],
        error_line("Item cannot be used as it is inactive", "line_items[0].item_id"),
        lines[16],
        error_line("The line items must have at least 1 items.", "line_items"),
        lines[18],
        error_line("fax is not a valid communication medium.", "medium"),
    ]
    assert json.loads(lines[14])["body"]["id"] == "item_00000000000001"
    assert json.loads(lines[16])["body"]["id"] == "inv_00000000000002"
    assert json.loads(lines[18])["body"]["sms_status"] == "sent"


def test_marking_a_notification_twice_and_the_expiry_sweep(
    run_cli: Callable[[str], list[str]],
) -> None:
    body = {
        "customer": {"name": "Ravi", "contact": "+9100"},
        "line_items": [{"name": "Book", "amount": 400}],
        "expire_by": T + 900,
    }
    script = [
        call(T, "POST", "/v1/invoices", body=body),
        call(T + 1, "POST", "/sim/invoices/inv_00000000000001/notifications/sms/sent"),
        call(T + 2, "POST", "/sim/invoices/inv_00000000000001/notifications/sms/sent"),
        call(T + 899, "GET", "/v1/invoices/inv_00000000000001"),
        call(T + 900, "GET", "/v1/invoices/inv_00000000000001"),
    ]

    lines = run_cli("\n".join(script))

    assert lines[2] == error_line(
        "There is no pending sms notification for this invoice.", "medium"
    )
    assert json.loads(lines[3])["body"]["status"] == "issued"
    expired = json.loads(lines[4])["body"]
    assert (expired["status"], expired["expired_at"]) == ("expired", T + 900)
