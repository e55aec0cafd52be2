"""The error kinds, their codes and messages, and that they pickle."""

from __future__ import annotations

import copy
import pickle

import pytest

from invoicecore import InvalidRequestError, InvoiceError, NotFoundError, OperationNotAllowedError
from invoicecore import errors as e


@pytest.mark.parametrize("message", e.MESSAGES, ids=lambda m: m.code)
def test_errors_pickle_and_copy_with_every_attribute(message: e.Message) -> None:
    error = message.error(field="amount", **dict.fromkeys(message.parameters, "x"))

    for clone in (pickle.loads(pickle.dumps(error)), copy.copy(error), copy.deepcopy(error)):
        assert type(clone) is type(error)
        assert (clone.description, clone.field, clone.code) == (
            error.description,
            "amount",
            message.code,
        )
        assert clone == error


def test_codes_are_unique_and_upper_snake() -> None:
    codes = [message.code for message in e.MESSAGES]

    assert len(codes) == len(set(codes))
    assert all(code.replace("_", "").isalpha() and code.isupper() for code in codes)


def test_input_errors_are_value_errors_and_state_errors_are_not() -> None:
    assert issubclass(InvalidRequestError, ValueError)
    assert issubclass(InvalidRequestError, InvoiceError)
    assert not issubclass(OperationNotAllowedError, ValueError)
    assert issubclass(NotFoundError, InvoiceError)


def test_str_is_the_description_and_repr_names_everything() -> None:
    error = e.OPERATION_NOT_ALLOWED.error(status="paid")

    assert str(error) == "Operation not allowed for Invoice in paid status."
    assert repr(error) == (
        "OperationNotAllowedError(description='Operation not allowed for Invoice in paid status.', "
        "field=None, code='OPERATION_NOT_ALLOWED')"
    )
    assert error != e.OPERATION_NOT_ALLOWED.error(status="draft")
    assert error.__eq__(42) is NotImplemented
    assert len({error, e.OPERATION_NOT_ALLOWED.error(status="paid")}) == 1


# Razorpay's texts, word for word (reference section 8.2); a typo "fix" must fail here.
RAZORPAY_TEXTS = [
    (
        e.OPERATION_NOT_ALLOWED,
        {"status": "issued"},
        "Operation not allowed for Invoice in issued status.",
    ),
    (e.NOT_PAYABLE, {"status": "expired"}, "Invoice is not payable in expired status."),
    (e.NOT_PAYABLE_DELETED, {}, "Invoice is not payable as it is deleted."),
    (e.ID_DOES_NOT_EXIST, {}, "The id provided does not exist"),
    (e.LINE_ITEMS_REQUIRED, {}, "line_items is required."),
    (e.CUSTOMER_REQUIRED, {}, "customer is required."),
    (e.EXPIRE_BY_TOO_SOON, {}, "expire_by should be at least 15 minutes after current time"),
    (e.AMOUNT_EXCEEDS_MAXIMUM, {}, "Invoice amount exceeds maximum payment amount allowed."),
    (e.CURRENCY_MISMATCH, {}, "Currency of all items should be the same as of the invoice."),
    (e.AMOUNT_BELOW_MINIMUM, {"minimum": "INR 1.00"}, "The amount must be atleast INR 1.00"),
    (e.TOO_MANY_LINE_ITEMS, {"limit": 50}, "The invoice may not have more than 50 items in total."),
    (e.HSN_AND_SAC_CODE, {}, "Both hsn_code and sac_code cannot be present"),
    (
        e.PAYMENT_AMOUNT_MISMATCH,
        {},
        (
            "Your payment amount is different from your order amount. "
            "To pay successfully, please try using right amount."
        ),
    ),
    (e.PAYMENT_EXCEEDS_AMOUNT_DUE, {}, "Payment amount is greater than the amount due for order"),
    (e.INVALID_MEDIUM, {"medium": "invalid"}, "invalid is not a valid communication medium."),
    (e.EMAIL_MISSING, {}, "Email can not be sent since email address has not been provided."),
    (e.CONTACT_MISSING, {}, "SMS can not be sent since contact number has not been provided."),
    (e.NOTES_NOT_A_DICTIONARY, {}, "Notes should be provided as a dictionary"),
    (e.NOTES_TOO_MANY_KEYS, {}, "Number of fields in notes should be less than or equal to 15"),
    (e.NOTES_KEY_TOO_LONG, {}, "Notes key cannot be greater 255 characters"),
    (e.NOTES_VALUE_TOO_LONG, {}, "Notes value cannot be greater 512 characters"),
    (e.NOTES_VALUE_NOT_SCALAR, {}, "Notes values themselves should not be an array"),
    (
        e.MUST_BE,
        {"attribute": "amount", "expected": "an integer"},
        "The amount must be an integer.",
    ),
    (
        e.MUST_BE_BOOLEAN,
        {"attribute": "partial payment"},
        "The partial payment field must be true or false.",
    ),
    (e.MIN_VALUE, {"attribute": "count", "minimum": 1}, "The count must be at least 1."),
    (e.MAX_VALUE, {"attribute": "count", "maximum": 100}, "The count may not be greater than 100."),
    (
        e.MAX_LENGTH,
        {"attribute": "receipt", "maximum": 40},
        "The receipt may not be greater than 40 characters.",
    ),
    (e.INVALID_SELECTION, {"attribute": "draft"}, "The selected draft is invalid."),
]


@pytest.mark.parametrize(
    ("message", "params", "text"), RAZORPAY_TEXTS, ids=lambda x: getattr(x, "code", "")
)
def test_razorpay_texts_word_for_word(
    message: e.Message, params: dict[str, object], text: str
) -> None:
    assert message.source == "razorpay"
    assert message.format(**params) == text


def test_library_only_messages_are_marked_as_such() -> None:
    ours = {m.code for m in e.MESSAGES if m.source == "invoicecore"}

    assert ours == {
        "NOT_DUE_FOR_EXPIRY",
        "NOTIFICATION_NOT_PENDING",
        "TAXES_EXCEED_GROSS",
        "ENTITY_INCONSISTENT",
        "LINE_NOT_JSON",
        "CLOCK_WENT_BACK",
        "AT_BEFORE_LAST_CHANGE",
        "PAYMENT_ID_CAPTURED",
        "INVARIANT_VIOLATION",
        "MESSAGE_PARAMETER_MISSING",
        "TABLE_INCOMPLETE",
        "EMBEDDER_ARGUMENT_MISSING",
        "EMBEDDER_ID_COLLISION",
        "STORED_ENTITY_CORRUPT",
        "EVENT_UNKNOWN",
        "STORE_CONFLICT",
        "STORE_CORRUPT",
        "STORE_UNAVAILABLE",
    }


@pytest.mark.parametrize("message", e.MESSAGES, ids=lambda m: m.code)
def test_a_message_missing_a_parameter_refuses_to_format(message: e.Message) -> None:
    if not message.parameters:
        assert message.format() == message.template
        return

    with pytest.raises(e.MessageParameterError) as raised:
        message.error(field="x")

    assert raised.value.code == "MESSAGE_PARAMETER_MISSING"
    assert message.code in raised.value.description
    assert "{" not in raised.value.description.replace(message.code, "")


def test_every_error_kind_is_raised_by_some_message() -> None:
    kinds = {message.kind for message in e.MESSAGES}

    assert kinds == {
        InvalidRequestError,
        OperationNotAllowedError,
        NotFoundError,
        e.InvariantViolation,
        e.MessageParameterError,
        e.TableIncompleteError,
        e.EmbedderError,
        e.CorruptEntityError,
        e.ConflictError,
        e.StoreError,
    }


# -- errors for services: HTTP statuses and the errors that are not the client's -----


@pytest.mark.parametrize(
    ("message", "status"),
    [
        (e.REQUIRED, 400),
        (e.OPERATION_NOT_ALLOWED, 400),
        (e.ID_DOES_NOT_EXIST, 400),  # Razorpay answers 400 for an unknown id
        (e.URL_NOT_FOUND, 404),
        (e.LINE_NOT_JSON, 400),
        (e.EMBEDDER_ARGUMENT_MISSING, 500),
        (e.EMBEDDER_ID_COLLISION, 500),
        (e.STORED_ENTITY_CORRUPT, 500),
        (e.EVENT_UNKNOWN, 500),
    ],
    ids=lambda x: getattr(x, "code", str(x)),
)
def test_each_error_suggests_an_http_status(message: e.Message, status: int) -> None:
    error = message.error(**dict.fromkeys(message.parameters, "x"))

    assert e.http_status(error) == status


def test_every_message_has_a_status_of_its_kind() -> None:
    for message in e.MESSAGES:
        status = e.http_status(message.kind(message.template, None, message.code))
        assert status == (404 if message.code == "URL_NOT_FOUND" else message.kind.http_status)
        assert status in {400, 404, 409, 500}


def test_errors_that_are_not_the_clients_are_no_client_errors() -> None:
    for kind in (e.EmbedderError, e.CorruptEntityError, e.StoreError, e.ConflictError):
        assert issubclass(kind, InvoiceError)
        assert not issubclass(kind, ValueError)
        assert not issubclass(kind, InvalidRequestError)
        assert kind.http_status >= 409
    assert e.EMBEDDER_ARGUMENT_MISSING.kind is e.EmbedderError
    assert e.EMBEDDER_ID_COLLISION.kind is e.EmbedderError
    assert e.STORED_ENTITY_CORRUPT.kind is e.CorruptEntityError
    assert e.EVENT_UNKNOWN.kind is e.CorruptEntityError
    assert (
        e.EMBEDDER_ARGUMENT_MISSING.format(argument="an order_id")
        == "The embedding program must pass an order_id for this call."
    )


def test_http_status_of_a_non_error_is_refused() -> None:
    with pytest.raises(InvalidRequestError):
        e.http_status(ValueError("x"))  # type: ignore[arg-type]
