"""The WeChat Official Account (公众号/服务号) channel: the callback (``webhook``), the API
client with the shared access token (``api``), pushes within WeChat's rules (``push``)
and the menu (``menu.yml``, created by ``jiuzhu wechat menu``)."""
