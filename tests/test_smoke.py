from conftest import login


def test_home_for_each_role(client, world):
    for user in (world.ministry_officer, world.a_officer, world.a_inspector, world.a_admin):
        login(client, user.username)
        response = client.get("/")
        assert response.status_code == 200, user.username
        client.post("/auth/logout")
