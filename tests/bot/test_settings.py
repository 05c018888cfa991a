import pytest

from bot.settings import SettingsError, load_settings, require


def test_defaults_need_nothing():
    settings = load_settings(environ={}, env_file=None)
    assert settings.api_url == "https://webexapis.com/v1/"
    assert settings.port == 8080
    assert settings.code_ttl_days == 90
    assert settings.reminder_days == (30, 7, 1)


def test_values_are_read_and_normalised(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("ADMIN_EMAILS= Ada@Example.com , bob@example.com\nPORT=9000\n")

    settings = load_settings(
        environ={"WEBEX_API_URL": "http://127.0.0.1:8090/v1", "PORT": "9001"},
        env_file=str(env_file),
    )

    assert settings.admin_emails == ("ada@example.com", "bob@example.com")
    assert settings.port == 9001  # the environment wins over .env
    assert settings.api_url == "http://127.0.0.1:8090/v1/"


def test_each_malformed_value_gets_one_line_naming_it():
    with pytest.raises(SettingsError) as caught:
        load_settings(
            environ={
                "PORT": "eighty",
                "CODE_TTL_DAYS": "0",
                "ADMIN_EMAILS": "ada",
                "PUBLIC_URL": "bot.example.com",
                "SMDP_ADDRESS": "https://smdp.example.com",
                "DEVICE_SERVICE": "magic",
            },
            env_file=None,
        )
    problems = caught.value.problems
    assert len(problems) == 6
    for name, problem in zip(
        (
            "PORT",
            "ADMIN_EMAILS",
            "PUBLIC_URL",
            "DEVICE_SERVICE",
            "SMDP_ADDRESS",
            "CODE_TTL_DAYS",
        ),
        sorted(
            problems,
            key=lambda p: [
                "PORT",
                "ADMIN_EMAILS",
                "PUBLIC_URL",
                "DEVICE_SERVICE",
                "SMDP_ADDRESS",
                "CODE_TTL_DAYS",
            ].index(p.split()[0]),
        ),
        strict=True,
    ):
        assert problem.startswith(name + " ")
        assert f"set {name} to" in problem
        assert "\n" not in problem


def test_require_names_each_missing_variable():
    settings = load_settings(environ={}, env_file=None)
    with pytest.raises(SettingsError) as caught:
        require(settings, "WEBEX_BOT_TOKEN", "PUBLIC_URL")
    assert [p.split()[0] for p in caught.value.problems] == [
        "WEBEX_BOT_TOKEN",
        "PUBLIC_URL",
    ]


def test_secrets_stay_out_of_repr():
    settings = load_settings(
        environ={"WEBEX_BOT_TOKEN": "tok-123", "WEBEX_WEBHOOK_SECRET": "sec-456"},
        env_file=None,
    )
    assert "tok-123" not in repr(settings) and "sec-456" not in repr(settings)
