"""An erasure from the command line while a reply to her is on its way leaves no id of hers."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

import pytest

from storage.chat_log import ChatLog
from tests.auxil.asking import KUPANG, Request, ask
from tests.auxil.harness import Jembatan
from tests.test_cli import run_cli


async def test_an_erase_in_another_process_during_a_reply_keeps_no_id_of_her_chat(
    jembatan: Jembatan, monkeypatch: pytest.MonkeyPatch
) -> None:
    her, code = await ask(jembatan, Request(region=KUPANG))
    assert jembatan.services is not None
    services = jembatan.services
    sent, go_on = asyncio.Event(), asyncio.Event()
    record = ChatLog.record

    async def held(log: ChatLog, chat_id: int, message_ids: Iterable[int]) -> None:
        """The real recording, held after the reply went out until the erasure committed."""
        sent.set()
        await go_on.wait()
        await record(log, chat_id, message_ids)

    monkeypatch.setattr(ChatLog, "record", held)
    replying = asyncio.create_task(her.send("/menu"))
    await asyncio.wait_for(sent.wait(), 30)  # her reply is out; its ids are not recorded yet

    status, out, err = await run_cli("erase", code, data_dir=jembatan.settings.data_dir)
    assert status == 0, err
    assert f"Erased everything personal of the person behind {code}." in out
    go_on.set()
    await asyncio.wait_for(replying, 30)

    assert await services.users.get(her.user_id) is None
    rows = await services.db.fetchall(
        "SELECT message_id FROM chat_messages WHERE chat_id = ?", (her.chat_id,)
    )
    assert rows == [], "her chat's ids were written back after the erasure"
