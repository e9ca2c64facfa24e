import re


def test_page_links_keep_every_value_of_a_repeated_parameter(client, db):
    """?status=a&status=b must not lose one value on page 2 (the filters of the lists take
    several values of one parameter)."""
    response = client.get('/reference/countries/', {'q': '', 'tag': ['a', 'b']})
    assert response.status_code == 200
    links = re.findall(r'<nav class="pagination".*?</nav>', response.content.decode(), re.S)[0]
    assert 'href="?q=&amp;tag=a&amp;tag=b&amp;page=2"' in links


def test_page_links_replace_the_current_page(client, db):
    response = client.get('/reference/countries/', {'page': '2', 'tag': ['a', 'b']})
    links = re.findall(r'<nav class="pagination".*?</nav>', response.content.decode(), re.S)[0]
    assert 'href="?page=1&amp;tag=a&amp;tag=b"' in links
    assert 'href="?page=3&amp;tag=a&amp;tag=b"' in links
