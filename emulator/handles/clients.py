"""Real SDK clients pointed at an emulator (in-process or remote): the part both handles share."""

from __future__ import annotations

from typing import Any, Protocol


class _Target(Protocol):
    """What ClientFactory's methods need of the handle they are mixed into (attributes or properties)."""

    @property
    def endpoint(self) -> str: ...  # http://host:port

    @property
    def address(self) -> str: ...  # host:port

    @property
    def region(self) -> str: ...

    def _key(
        self, access_key_id: str | None, access_key_secret: str | None
    ) -> tuple[str, str, str | None]: ...

    def account(self, access_key_id: str | None = None) -> str: ...

    def mns_account(self, access_key_id: str | None = None, access_key_secret: str | None = None) -> Any: ...


class ClientFactory:
    """Needs ``endpoint`` (http://host:port), ``address`` (host:port), ``region`` and ``_key()``."""

    def _key(self, access_key_id: str | None, access_key_secret: str | None) -> tuple[str, str, str | None]:
        raise NotImplementedError

    def client(
        self: _Target, access_key_id: str | None = None, access_key_secret: str | None = None, **config: Any
    ):
        """A real ``alibabacloud_imm20200930`` client pointed at this emulator (needs the ``sdk`` extra)."""
        from alibabacloud_imm20200930.client import Client
        from alibabacloud_tea_openapi.models import Config

        key_id, secret, token = self._key(access_key_id, access_key_secret)
        settings: dict[str, Any] = {
            "access_key_id": key_id,
            "access_key_secret": secret,
            "endpoint": self.address,
            "protocol": "https" if self.endpoint.startswith("https://") else "http",
            "region_id": self.region,
        }
        if token:
            settings["security_token"] = token
        settings.update(config)
        return Client(Config(**settings))

    def oss_client(
        self: _Target, access_key_id: str | None = None, access_key_secret: str | None = None, **config: Any
    ):
        """A real ``alibabacloud_oss_v2`` client pointed at this emulator (path-style, signature v4)."""
        import alibabacloud_oss_v2 as oss

        key_id, secret, token = self._key(access_key_id, access_key_secret)
        cfg = oss.config.load_default()
        cfg.credentials_provider = oss.credentials.StaticCredentialsProvider(key_id, secret, token)
        cfg.region = self.region
        cfg.endpoint = self.endpoint
        cfg.use_path_style = True
        for name, value in config.items():
            setattr(cfg, name, value)
        return oss.Client(cfg)

    def oss2_bucket(
        self: _Target,
        bucket: str,
        access_key_id: str | None = None,
        access_key_secret: str | None = None,
        *,
        signature: str = "v4",
    ):
        """A real ``oss2.Bucket`` pointed at this emulator, signing with ``v4`` (default) or ``v1``."""
        import oss2

        key_id, secret, token = self._key(access_key_id, access_key_secret)
        if token:
            auth = oss2.StsAuth(key_id, secret, token, auth_version="v4" if signature == "v4" else "v1")
        else:
            auth = oss2.AuthV4(key_id, secret) if signature == "v4" else oss2.Auth(key_id, secret)
        return oss2.Bucket(auth, self.endpoint, bucket, region=self.region)

    def mns_account(self: _Target, access_key_id: str | None = None, access_key_secret: str | None = None):
        """A real ``mns.account.Account`` (aliyun-mns-sdk) pointed at this emulator's MNS."""
        from mns.account import Account

        key_id, secret, token = self._key(access_key_id, access_key_secret)
        return Account(self.endpoint, key_id, secret, token or "")

    def mns_queue_subscription(
        self: _Target,
        topic: str,
        queue: str,
        *,
        content_format: str = "SIMPLIFIED",
        filter_tag: str = "",
        access_key_id: str | None = None,
        access_key_secret: str | None = None,
    ):
        """Create (or keep) a topic, a queue and the topic's subscription delivering to that queue, in the
        key's account, through the real MNS SDK; -> the ``mns.queue.Queue`` to receive from. A task with
        ``Notification.MNS.TopicName = topic`` lands its message there (base64 of IMM's JSON, which the
        SDK's ``receive_message()`` decodes)."""
        from mns.queue import QueueMeta
        from mns.subscription import SubscriptionMeta
        from mns.topic import TopicMeta

        account = self.mns_account(access_key_id, access_key_secret)
        owner = self.account(access_key_id)
        target = account.get_queue(queue)
        target.create(QueueMeta())
        topic_client = account.get_topic(topic)
        topic_client.create(TopicMeta())
        endpoint = f"acs:mns:{self.region}:{owner}:queues/{queue}"
        meta = SubscriptionMeta(endpoint, notify_content_format=content_format, filter_tag=filter_tag)
        topic_client.get_subscription(f"{queue}-subscription").subscribe(meta)
        return target
