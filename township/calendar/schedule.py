"""Placeholder: replaced by the calendar implementation."""


def missing_schedule_warnings():
    return []
