"""The parts some kinds of activity keep after the day (see ``activities.kinds``): one package
per part, each with its ``actions``, ``forms``, ``views`` and ``urls``; models live in
``activities.models``, templates in ``templates/activities/parts/``."""
