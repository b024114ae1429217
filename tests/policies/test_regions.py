def test_the_shipped_region_has_all_eight_townships_of_ziyang() -> None:
    """资阳区 has 2 街道, 5 镇 and 1 乡; a resident of any of them must find their township."""
    from policies.regions import load_region

    names = {place.name for place in load_region("hunan-yiyang-ziyang").places}
    assert names == {
        "大码头街道",
        "汽车路街道",
        "长春镇",
        "新桥河镇",
        "沙头镇",
        "茈湖口镇",
        "迎风桥镇",
        "张家塞乡",
    }
