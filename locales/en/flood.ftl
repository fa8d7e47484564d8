flood-slow-down = Slow down, please 🙏 You sent too many messages in a short time, so some were not processed. Wait a moment, then send again what still needs an answer.
