"""The links/ family: related-article fields, body links and external links."""
