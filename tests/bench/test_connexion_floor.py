"""Connexion's floor app does what it is measured for: one plain operation, and one with a bearer
scheme and two validated parameters, as the sandbox's get memo has."""

from __future__ import annotations

from bench import connexion_floor


def test_the_plain_operation_answers_the_memo() -> None:
    with connexion_floor.make_app().test_client() as client:
        answer = client.get("/memo")
    assert answer.status_code == 200
    assert answer.json() == connexion_floor.MEMO


def test_the_secured_operation_checks_its_token_and_validates_its_parameters() -> None:
    token = {"Authorization": f"Bearer {connexion_floor.TOKEN}"}
    with connexion_floor.make_app().test_client() as client:
        assert client.get("/memos/m1", headers=token).json() == connexion_floor.MEMO
        assert client.get("/memos/m1").status_code == 401
        assert client.get("/memos/m1", headers={"Authorization": "Bearer wrong"}).status_code == 401
        too_long = {**token, "x-business-id": "x" * 65}
        assert client.get("/memos/m1", headers=too_long).status_code == 400
        assert client.get(f"/memos/{'m' * 65}", headers=token).status_code == 400
