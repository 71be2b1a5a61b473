"""tacenter: a technical assistance request tracker."""

from tacenter.app import create_app

__all__ = ["create_app"]
