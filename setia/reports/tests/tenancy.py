SHARED_PARAMS = {"section"}


def make_objects(shop, owner):
    return {"section": "campaigns"}, []
