"""DingTalk (钉钉) robot in Stream mode: ``stream`` (connection), ``api`` (OpenAPI calls),
``render`` (replies → robot messages), ``identity`` (DingTalk ids → ours), ``adapter``
(robot messages → engine events), ``runner`` (``planbot dingtalk``)."""
