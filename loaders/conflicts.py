def detect(claims, topics):
    return []
