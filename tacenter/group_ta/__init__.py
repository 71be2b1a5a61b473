"""Group TA: events (trainings, TA sessions, meetings) delivered to several organizations at once,
and learning collaboratives (cohorts) whose sessions are events. Counting rules: counting.py."""
