"""Open311 GeoReport v2 (the civic-issue standard FixMyStreet and many cities speak), mounted at
/open311/v2/: discovery, the service list (our event categories), service definitions, POST requests
(with an Open311 API key), tokens, GET requests and one request, in XML and JSON.

A service is a category of the township's catalogue in force (service_code = its code, e.g. "01.02";
group = its 大类); a service request is a grid event (service_request_id = the event number, the same
number the reporter follows on the public tracking page); jurisdiction_id = the township's code.
"""
